using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Postcall.Calls;
using Postcall.ElevenLabs;
using Postcall.Tests.Forwarding;
using Postcall.Tests.Support;

namespace Postcall.Tests.Calls;

/// <summary>
/// <see cref="ICallArchive"/>, what an app's own endpoints read calls through: the same answers on files and SQLite as
/// on S3 and PostgreSQL, ids that could not be ones finding nothing, recordings as streams.
/// </summary>
public sealed class CallArchiveTests(SharedEngines engines)
{
    public static TheoryData<bool> BothEngines => [false, true];

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(BothEngines))]
    [Trait("Needs", "engines")]
    public async Task Calls_are_listed_searched_read_as_events_and_their_recordings_opened(bool shared)
    {
        var settings = shared ? (await engines.SharedSettingsAsync(prefix: "archive")).ToDictionary(p => p.Key, p => (string?)p.Value) : null;
        await using var host = await ForwardingHost.StartAsync(fromEnvironment: false, settings: settings);
        var mp3 = Fixtures.Bytes("sample_call.mp3");
        var sample = JsonNode.Parse(Fixtures.Bytes("post_call_transcription.json"))!;
        sample["data"]!["conversation_id"] = "archive-found";
        sample["data"]!["agent_id"] = "agent-archive";
        Assert.Equal(HttpStatusCode.OK, (await host.DeliverAsync(sample.ToJsonString())).Status);
        Assert.Equal(HttpStatusCode.OK, (await host.DeliverAsync(Deliveries.Audio("archive-found", mp3))).Status);
        Assert.Equal(HttpStatusCode.OK, (await host.DeliverAsync(Deliveries.Transcription("archive-other"))).Status);
        Assert.Equal(HttpStatusCode.OK, (await host.DeliverAsync(Deliveries.Failure("archive-failed"))).Status);
        var archive = host.Factory.Services.GetRequiredService<ICallArchive>();

        var all = await WaitForAsync(archive, new CallQuery(), page => page.Calls.Count == 3);
        Assert.Equal(["archive-failed", "archive-found", "archive-other"], all.Calls.Select(c => c.ConversationId).Order(StringComparer.Ordinal));
        var found = await archive.ListAsync(new CallQuery { Text = "fun fact" }, Cancel);
        var hit = Assert.Single(found.Calls);
        Assert.Equal("archive-found", hit.ConversationId);
        Assert.Contains("fun fact", hit.Snippet, StringComparison.OrdinalIgnoreCase);
        Assert.True(hit.HasTranscription);
        Assert.True(hit.HasAudio);
        Assert.Equal("agent-archive", Assert.Single((await archive.ListAsync(new CallQuery { AgentId = "agent-archive" }, Cancel)).Calls).AgentId);
        Assert.Equal("archive-failed", Assert.Single((await archive.ListAsync(new CallQuery { Status = "initiation_failed" }, Cancel)).Calls).ConversationId);

        // Pages of one, then the next from the cursor, to the end.
        var first = await archive.ListAsync(new CallQuery { Limit = 1 }, Cancel);
        var second = await archive.ListAsync(new CallQuery { Limit = 1, Cursor = first.NextCursor }, Cancel);
        Assert.NotEqual(first.Calls[0].ConversationId, second.Calls[0].ConversationId);

        var call = await archive.GetAsync("archive-found", Cancel);
        Assert.NotNull(call);
        Assert.Equal(ConversationStatus.Done, call.Transcription!.Data.Status);
        Assert.Equal("angelo", call.Transcription.Data.ConversationInitiationClientData!.DynamicVariables!["user_name"].GetString());
        Assert.Null(call.Failure);
        Assert.Equal("busy", (await archive.GetAsync("archive-failed", Cancel))!.Failure!.Data.FailureReason);

        await using (var audio = await archive.OpenAudioAsync("archive-found", Cancel))
        {
            using var copy = new MemoryStream();
            await audio!.CopyToAsync(copy, Cancel);
            Assert.Equal(mp3, copy.ToArray());
        }

        Assert.Null(await archive.OpenAudioAsync("archive-other", Cancel));
        Assert.Null(await archive.GetAsync("no-such-call", Cancel));
        Assert.Null(await archive.GetAsync("../../etc/passwd", Cancel));
        Assert.Null(await archive.OpenAudioAsync("..", Cancel));
        await Assert.ThrowsAsync<ArgumentException>(() => archive.ListAsync(new CallQuery { Limit = 0 }, Cancel));
        await Assert.ThrowsAsync<ArgumentException>(() => archive.ListAsync(new CallQuery { Cursor = "not-a-cursor" }, Cancel));
    }

    private static async Task<CallPage> WaitForAsync(ICallArchive archive, CallQuery query, Func<CallPage, bool> until)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var page = await archive.ListAsync(query, Cancel);
            if (until(page))
            {
                return page;
            }

            Assert.True(DateTime.UtcNow < deadline, $"the archive listed {page.Calls.Count} calls");
            await Task.Delay(100, Cancel);
        }
    }
}
