using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Postcall.ElevenLabs;
using Postcall.Forwarding;
using Postcall.Reconciling;
using Postcall.Storage;
using Postcall.Tests.Forwarding;
using Postcall.Tests.Handlers;
using Postcall.Tests.Support;

namespace Postcall.Tests.Reconciling;

/// <summary>
/// A call fetched from the Conversations API is stored as a delivery would be: durable, forwarded with a header that
/// says so, handed to handlers told so, on both engines; the genuine webhook arriving later replaces it without a
/// second forward.
/// </summary>
public sealed class BackfillTests(SharedEngines engines)
{
    public static TheoryData<bool> BothEngines => [false, true];

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(BothEngines))]
    [Trait("Needs", "engines")]
    public async Task A_fetched_call_is_stored_forwarded_and_handled_as_fetched_and_its_late_webhook_replaces_it_without_a_second_forward(bool shared)
    {
        await using var standIn = await ConversationsApiStandIn.StartAsync();
        var id = shared ? "conv_backfill_s" : "conv_backfill_f";
        var conversation = ConversationsApiStandIn.Conversation(id);
        var mp3 = Fixtures.Bytes("sample_call.mp3");
        standIn.Conversations[id] = conversation;
        standIn.Recordings[id] = mp3;
        var settings = new Dictionary<string, string?>
        {
            [ElevenLabsApiSettings.ApiKeyVariable] = ConversationsApiStandIn.Key,
            [ElevenLabsApiSettings.BaseUrlVariable] = standIn.BaseUrl.AbsoluteUri,
            // Only what the test fetches: no background sweep beside it.
            [ReconcileSettings.IntervalVariable] = "off",
        };
        if (shared)
        {
            foreach (var (key, value) in await engines.SharedSettingsAsync(prefix: "backfill"))
            {
                settings[key] = value;
            }
        }

        var log = new HandlerLog();
        await using var host = await ForwardingHost.StartAsync(settings: settings, services: s =>
        {
            s.AddSingleton(log);
            s.AddScoped<AttemptScope>();
            s.AddPostCallHandler<RecordingHandler>("recorder");
        });
        var backfill = host.Factory.Services.GetRequiredService<Backfill>();
        var cid = ConversationId.Parse(id);
        var before = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        Assert.NotNull(await backfill.FetchTranscriptionAsync(cid, Cancel));
        Assert.NotNull(await backfill.FetchAudioAsync(cid, "agent_1901kes839x4g04z6g5cdabhxjbn", Cancel));

        // Stored as ElevenLabs' transcription envelope around the API's object, fetched now.
        var store = host.Factory.Services.GetRequiredService<IPayloadStore>();
        var stored = JsonNode.Parse(await ReadAsync(store, cid, PayloadKind.Transcription))!;
        Assert.Equal("post_call_transcription", stored["type"]!.GetValue<string>());
        Assert.InRange(stored["event_timestamp"]!.GetValue<long>(), before, DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(conversation), stored["data"]));
        Assert.Equal(mp3, await ReadAsync(store, cid, PayloadKind.Audio));

        // Handed to the handler and forwarded, each saying it was fetched.
        var calls = await log.WaitForAsync(2);
        Assert.All(calls, c => Assert.True(c.Context.IsFetchedFromApi));
        Assert.Equal(id, Assert.IsType<TranscriptionEvent>(Assert.Single(calls, c => c.Context.Kind == "transcription").Event).Data.ConversationId);
        Assert.Equal(mp3, Assert.Single(calls, c => c.Context.Kind == "audio").Audio);
        var forwards = await host.ForwardsAsync(id, f => ForwardingHost.AllHaveStatus(f, "delivered", count: 4));
        var sent = host.Receiver.Requests.Where(r => r.Header(ForwardSender.ConversationHeader) == id).ToList();
        Assert.Equal(2, sent.Count);
        Assert.All(sent, r => Assert.Equal("true", r.Header(ForwardSender.BackfilledHeader)));

        // Asked again, nothing is fetched: it is stored.
        var requests = standIn.Requests.Count(r => r.Path.Contains(id, StringComparison.Ordinal));
        Assert.Null(await backfill.FetchTranscriptionAsync(cid, Cancel));
        Assert.Null(await backfill.FetchAudioAsync(cid, null, Cancel));
        Assert.Equal(requests, standIn.Requests.Count(r => r.Path.Contains(id, StringComparison.Ordinal)));

        // ElevenLabs' own webhook, late: answered 200, stored as sent, not forwarded or handled again, no longer fetched.
        var webhook = Deliveries.Transcription(id);
        Assert.Equal(HttpStatusCode.OK, (await host.DeliverAsync(webhook)).Status);
        Assert.Equal(webhook, System.Text.Encoding.UTF8.GetString(await ReadAsync(store, cid, PayloadKind.Transcription)));
        var outbox = host.Factory.Services.GetRequiredService<IForwardOutbox>();
        Assert.False((await outbox.DeliveryAsync(cid, PayloadKind.Transcription, Cancel))!.Fetched);
        Assert.True((await outbox.DeliveryAsync(cid, PayloadKind.Audio, Cancel))!.Fetched);
        await Task.Delay(1500, Cancel);
        Assert.Equal(2, log.Calls.Count);
        Assert.Equal(2, host.Receiver.Requests.Count(r => r.Header(ForwardSender.ConversationHeader) == id));
        Assert.Equal(4, forwards.Length);
    }

    private static async Task<byte[]> ReadAsync(IPayloadStore store, ConversationId id, PayloadKind kind)
    {
        await using var content = await store.OpenAsync(id, kind, Cancel);
        Assert.NotNull(content);
        using var copy = new MemoryStream();
        await content.Stream.CopyToAsync(copy, Cancel);
        return copy.ToArray();
    }
}
