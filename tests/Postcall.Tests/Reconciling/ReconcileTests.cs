using System.Net;
using System.Text.Json;
using Postcall.Reconciling;
using Postcall.Tests.Forwarding;
using Postcall.Tests.Support;

namespace Postcall.Tests.Reconciling;

/// <summary>
/// Sweeps against the stand-in's two pages of eight calls: present, missing entirely, missing only their recording,
/// still in progress, and calls the API cannot give; one-off and background, dry runs, and what a second sweep does.
/// </summary>
public sealed class ReconcileTests(SharedEngines engines)
{
    // The stand-in's list (samples/elevenlabs/api/list_conversations_page*.json).
    private const string Present = "conv_9801kkc21cpnch5ztxzv5kr3p1mc";
    private const string InProgress = "conv_2801kkc1vw9nsd0xs231rhcns0y0";
    private const string AudioMissing = "conv_7501kkbzqva39ezb1c17bjbzh5n6";
    private const string Missing = "conv_8601kkbwnjzmrdvecf01ktvg26tf";
    private const string FailedMissing = "conv_1901kkbv2kc76a0hkrb0ss2zmy03";
    private const string Gone = "conv_7601kkbse994svh2b6t7656p5vbf";
    private const string NoRecording = "conv_6501kkbnrkye842yqznddnvxy9k7";
    private const string PresentNoAudio = "conv_3401kk9e0fw4jpkxw6pv1aedkt7w";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static string Transcription(string id, bool hasAudio) =>
        $$$"""{"type":"post_call_transcription","event_timestamp":{{{Deliveries.Now}}},"data":{"agent_id":"agent_1","conversation_id":"{{{id}}}","status":"done","has_audio":{{{(hasAudio ? "true" : "false")}}},"transcript":[]}}""";

    private static async Task<ConversationsApiStandIn> StandInAsync(byte[] mp3)
    {
        var standIn = await ConversationsApiStandIn.StartAsync();
        foreach (var id in new[] { Present, AudioMissing, Missing, NoRecording, PresentNoAudio })
        {
            standIn.Conversations[id] = ConversationsApiStandIn.Conversation(id);
        }

        standIn.Conversations[FailedMissing] = ConversationsApiStandIn.Conversation(FailedMissing).Replace("\"has_audio\":true", "\"has_audio\":false", StringComparison.Ordinal);
        foreach (var id in new[] { Present, AudioMissing, Missing })
        {
            standIn.Recordings[id] = mp3;
        }

        return standIn;
    }

    public static TheoryData<bool> BothEngines => [false, true];

    private async Task<ForwardingHost> HostAsync(ConversationsApiStandIn standIn, string interval = "off", bool shared = false)
    {
        var settings = new Dictionary<string, string?>
        {
            [ElevenLabsApiSettings.ApiKeyVariable] = ConversationsApiStandIn.Key,
            [ElevenLabsApiSettings.BaseUrlVariable] = standIn.BaseUrl.AbsoluteUri,
            [ReconcileSettings.IntervalVariable] = interval,
            [ReconcileSettings.WindowVariable] = "3650d",
        };
        if (shared)
        {
            foreach (var (key, value) in await engines.SharedSettingsAsync(prefix: "reconcile"))
            {
                settings[key] = value;
            }
        }

        return await ForwardingHost.StartAsync(fromEnvironment: false, settings: settings);
    }

    private static async Task SeedAsync(ForwardingHost host, byte[] mp3)
    {
        Assert.Equal(HttpStatusCode.OK, (await host.DeliverAsync(Transcription(Present, hasAudio: true))).Status);
        Assert.Equal(HttpStatusCode.OK, (await host.DeliverAsync(Deliveries.Audio(Present, mp3))).Status);
        Assert.Equal(HttpStatusCode.OK, (await host.DeliverAsync(Transcription(AudioMissing, hasAudio: true))).Status);
        Assert.Equal(HttpStatusCode.OK, (await host.DeliverAsync(Transcription(PresentNoAudio, hasAudio: false))).Status);
    }

    private static async Task<JsonElement> SweepAsync(ForwardingHost host, object request)
    {
        var started = await host.PostAsync("/api/reconcile", request);
        Assert.Equal(HttpStatusCode.Accepted, started.Status);
        var id = started.Data.GetProperty("id").GetString()!;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var sweep = (await host.GetAsync($"/api/reconcile/{id}")).Data;
            if (sweep.GetProperty("status").GetString() != "running")
            {
                return sweep;
            }

            Assert.True(DateTime.UtcNow < deadline, "the sweep never ended: " + sweep.GetRawText());
            await Task.Delay(100, Cancel);
        }
    }

    private static async Task<byte[]> AudioAsync(ForwardingHost host, string id)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/conversations/{id}/audio");
        request.Headers.Authorization = new("Bearer", ForwardingHost.ReadKey);
        using var response = await host.Client.SendAsync(request, Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync(Cancel);
    }

    private static int Count(JsonElement sweep, string name) => sweep.GetProperty("report").GetProperty(name).GetInt32();

    [Theory]
    [MemberData(nameof(BothEngines))]
    [Trait("Needs", "engines")]
    public async Task A_one_off_sweep_fetches_exactly_what_is_missing_and_a_second_fetches_nothing(bool shared)
    {
        var mp3 = Fixtures.Bytes("sample_call.mp3");
        await using var standIn = await StandInAsync(mp3);
        await using var host = await HostAsync(standIn, shared: shared);
        await SeedAsync(host, mp3);

        var sweep = await SweepAsync(host, new { since = "2026-01-01", agent_ids = Array.Empty<string>() });

        Assert.Equal("completed", sweep.GetProperty("status").GetString());
        Assert.Equal("one-off", sweep.GetProperty("trigger").GetString());
        Assert.Equal(2, Count(sweep, "pages"));
        Assert.Equal(8, Count(sweep, "listed"));
        Assert.Equal(1, Count(sweep, "not_final"));
        Assert.Equal(2, Count(sweep, "already_stored"));
        Assert.Equal(3, Count(sweep, "backfilled_transcriptions"));
        Assert.Equal(2, Count(sweep, "backfilled_recordings"));
        Assert.Equal(2, Count(sweep, "unfillable"));
        Assert.Equal(0, Count(sweep, "api_errors"));
        var unfillable = sweep.GetProperty("report").GetProperty("unfillable_items").EnumerateArray()
            .Select(i => (i.GetProperty("conversation_id").GetString(), i.GetProperty("kind").GetString())).ToHashSet();
        Assert.Equal([(Gone, "transcription"), (NoRecording, "audio")], unfillable);

        // What was fetched is in the archive, marked as fetched where it is listed.
        foreach (var id in new[] { Missing, FailedMissing, NoRecording })
        {
            Assert.Equal(HttpStatusCode.OK, (await host.GetAsync($"/api/conversations/{id}")).Status);
        }

        Assert.Equal(mp3, await AudioAsync(host, Missing));
        Assert.Equal(mp3, await AudioAsync(host, AudioMissing));
        Assert.DoesNotContain(standIn.Requests, r => r.Path.Contains(InProgress, StringComparison.Ordinal));

        // Again: nothing is fetched, and what the API could not give is not asked for again.
        var before = standIn.Requests.Count(r => r.Path.StartsWith("/v1/convai/conversations/", StringComparison.Ordinal));
        var again = await SweepAsync(host, new { since = 1767225600 });
        Assert.Equal(0, Count(again, "backfilled_transcriptions") + Count(again, "backfilled_recordings"));
        Assert.Equal(0, Count(again, "unfillable"));
        Assert.Equal(6, Count(again, "already_stored"));
        Assert.Equal(before, standIn.Requests.Count(r => r.Path.StartsWith("/v1/convai/conversations/", StringComparison.Ordinal)));

        var list = (await host.GetAsync("/api/reconcile")).Data.GetProperty("sweeps").EnumerateArray().ToList();
        Assert.Equal(2, list.Count);
        Assert.Equal(again.GetProperty("id").GetString(), list[0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task Each_sweep_reads_the_webhooks_health_and_an_auto_disabled_post_call_webhook_is_said_with_what_to_do()
    {
        var mp3 = Fixtures.Bytes("sample_call.mp3");
        await using var standIn = await StandInAsync(mp3);
        await using var host = await HostAsync(standIn);

        await SweepAsync(host, new { since = "2026-01-01" });
        var webhooks = (await host.GetAsync("/api/reconcile")).Data.GetProperty("webhooks");

        Assert.Equal("ok", webhooks.GetProperty("check").GetString());
        var states = webhooks.GetProperty("webhooks").EnumerateArray().ToDictionary(w => w.GetProperty("webhook_id").GetString()!);
        Assert.Equal(3, states.Count);
        var postCall = states["96fa5c43baf105da027e123e3e9aecd6"];
        Assert.True(postCall.GetProperty("is_post_call").GetBoolean());
        Assert.Equal("auto_disabled", postCall.GetProperty("state").GetString());
        Assert.Equal(503, postCall.GetProperty("last_failure_status").GetInt32());
        Assert.Equal("disabled", states["e2e997c4bba81676f8a51b6338ca74ff"].GetProperty("state").GetString());
        Assert.Equal("healthy", states["506de5c6a1679432a37549f00120b6c7"].GetProperty("state").GetString());
        Assert.Contains("re-enable the webhook in ElevenLabs", webhooks.GetProperty("advice").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_that_may_not_read_webhooks_is_said_and_reconciling_goes_on()
    {
        var mp3 = Fixtures.Bytes("sample_call.mp3");
        await using var standIn = await StandInAsync(mp3);
        standIn.WebhooksForbidden = true;
        await using var host = await HostAsync(standIn);

        var sweep = await SweepAsync(host, new { since = "2026-01-01" });

        Assert.Equal("completed", sweep.GetProperty("status").GetString());
        Assert.Equal(6, Count(sweep, "backfilled_transcriptions"));
        Assert.Equal("forbidden", (await host.GetAsync("/api/reconcile")).Data.GetProperty("webhooks").GetProperty("check").GetString());
    }

    [Fact]
    public async Task A_dry_run_says_what_would_be_fetched_and_stores_nothing()
    {
        var mp3 = Fixtures.Bytes("sample_call.mp3");
        await using var standIn = await StandInAsync(mp3);
        await using var host = await HostAsync(standIn);
        await SeedAsync(host, mp3);

        var sweep = await SweepAsync(host, new { since = "2026-01-01T00:00:00Z", dry_run = true });

        Assert.True(sweep.GetProperty("dry_run").GetBoolean());
        Assert.Equal(4, Count(sweep, "backfilled_transcriptions"));
        // A recording for each of those four, and for the call whose stored transcription promises one, not the one whose does not.
        Assert.Equal(5, Count(sweep, "backfilled_recordings"));
        Assert.Equal(HttpStatusCode.NotFound, (await host.GetAsync($"/api/conversations/{Missing}")).Status);
        Assert.DoesNotContain(standIn.Requests, r => r.Path.StartsWith("/v1/convai/conversations/conv_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_background_sweep_fetches_a_missing_call_without_being_asked()
    {
        var mp3 = Fixtures.Bytes("sample_call.mp3");
        await using var standIn = await StandInAsync(mp3);
        await using var host = await HostAsync(standIn, interval: "1s");

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await host.GetAsync($"/api/conversations/{Missing}")).Status != HttpStatusCode.OK)
        {
            Assert.True(DateTime.UtcNow < deadline, "the background sweep never fetched the call");
            await Task.Delay(200, Cancel);
        }

        var sweeps = (await host.GetAsync("/api/reconcile")).Data.GetProperty("sweeps").EnumerateArray().ToList();
        Assert.Contains(sweeps, s => s.GetProperty("trigger").GetString() == "background");
    }

    [Theory]
    [InlineData("{}", "since is required")]
    [InlineData("""{"since": "last tuesday"}""", "since must be")]
    [InlineData("""{"since": "2026-11-02", "until": "2026-11-01"}""", "before until")]
    [InlineData("""{"since": 0, "agent_ids": ["../x"]}""", "agent_ids")]
    [InlineData("not json", "not JSON")]
    public async Task A_bad_request_is_refused_with_what_is_wrong(string body, string expected)
    {
        await using var standIn = await ConversationsApiStandIn.StartAsync();
        await using var host = await HostAsync(standIn);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/reconcile") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new("Bearer", ForwardingHost.AdminKey);

        var answer = await Envelope.SendAsync(host.Client, request);

        Assert.Equal("invalid_reconcile", answer.AssertError(HttpStatusCode.BadRequest));
        Assert.Contains(expected, answer.Body.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Starting_a_sweep_needs_the_admin_key_and_the_api_key()
    {
        await using var standIn = await ConversationsApiStandIn.StartAsync();
        await using var host = await HostAsync(standIn);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.PostAsync("/api/reconcile", new { since = 0 }, key: ForwardingHost.ReadKey)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.GetAsync("/api/reconcile", key: "wrong-key-0123456789")).Status);

        await using var off = await ForwardingHost.StartAsync(fromEnvironment: false);
        Assert.Equal("reconcile_off", (await off.PostAsync("/api/reconcile", new { since = 0 })).AssertError(HttpStatusCode.Conflict));
    }
}
