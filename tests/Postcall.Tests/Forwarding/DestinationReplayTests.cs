using System.Net;
using System.Text.Json;
using Postcall.Forwarding;
using Postcall.Tests.Support;

namespace Postcall.Tests.Forwarding;

/// <summary>A destination that lost its data gets every stored call of a range again, in the background, with progress to follow.</summary>
public sealed class DestinationReplayTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static string Transcription(string id, long startedAt) =>
        $$$$"""{"type":"post_call_transcription","event_timestamp":{{{{startedAt + 60}}}},"data":{"agent_id":"agent_1","conversation_id":"{{{{id}}}}","status":"done","transcript":[],"metadata":{"start_time_unix_secs":{{{{startedAt}}}},"call_duration_secs":30}}}""";

    [Fact]
    public async Task Every_stored_call_of_the_range_and_kinds_is_forwarded_again_to_that_destination_only()
    {
        await using var host = await ForwardingHost.StartAsync(fromEnvironment: false, settings: new() { [ForwardSettings.AllowPrivateVariable] = "true" });
        var mp3 = Fixtures.Bytes("sample_call.mp3");
        var november = new DateTimeOffset(2026, 11, 10, 12, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        Assert.Equal(HttpStatusCode.OK, (await host.DeliverAsync(Transcription("rpl-october", november - (30 * 86400)))).Status);
        Assert.Equal(HttpStatusCode.OK, (await host.DeliverAsync(Transcription("rpl-nov-a", november))).Status);
        Assert.Equal(HttpStatusCode.OK, (await host.DeliverAsync(Deliveries.Audio("rpl-nov-a", mp3))).Status);
        Assert.Equal(HttpStatusCode.OK, (await host.DeliverAsync(Transcription("rpl-nov-b", november + 3600))).Status);

        // The destination is made after the calls: it has none of them until the replay.
        var created = await host.PostAsync("/api/destinations", new { url = host.Receiver.Url.AbsoluteUri });
        var destination = created.Data.GetProperty("id").GetString();
        var other = await host.PostAsync("/api/destinations", new { url = new Uri(host.Receiver.Url, "/other").AbsoluteUri }, ForwardingHost.AdminKey);

        var started = await host.PostAsync($"/api/destinations/{destination}/replay", new { since = "2026-11-01", kinds = new[] { "transcription" } });
        Assert.Equal(HttpStatusCode.Accepted, started.Status);
        var replayId = started.Data.GetProperty("id").GetString();
        JsonElement replay;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((replay = (await host.GetAsync($"/api/destinations/{destination}/replays/{replayId}")).Data).GetProperty("status").GetString() == "running")
        {
            Assert.True(DateTime.UtcNow < deadline, "the replay never ended");
            await Task.Delay(100, Cancel);
        }

        Assert.Equal("completed", replay.GetProperty("status").GetString());
        Assert.Equal(2, replay.GetProperty("conversations").GetInt32());
        Assert.Equal(2, replay.GetProperty("forwards").GetInt32());
        await host.ForwardsAsync("rpl-nov-a", f => ForwardingHost.AllHaveStatus(f, "delivered"));
        await host.ForwardsAsync("rpl-nov-b", f => ForwardingHost.AllHaveStatus(f, "delivered"));
        Assert.Equal(["rpl-nov-a", "rpl-nov-b"], host.Receiver.Requests.Select(r => r.Header("Postcall-Conversation-Id")).Order());
        Assert.All(host.Receiver.Requests, r => Assert.Equal("/hook", r.Path));
        Assert.Equal(HttpStatusCode.Created, other.Status);
    }

    [Theory]
    [InlineData("""{}""", "since is required")]
    [InlineData("""{"since": "2026-11-02", "until": "2026-11-01"}""", "since must not be after until")]
    [InlineData("""{"since": 0, "kinds": ["everything"]}""", "kinds must list")]
    public async Task A_bad_replay_is_refused_with_what_is_wrong(string body, string expected)
    {
        await using var host = await ForwardingHost.StartAsync();
        var id = (await host.GetAsync("/api/destinations")).Data.GetProperty("destinations")[0].GetProperty("id").GetString();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/destinations/{id}/replay") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new("Bearer", ForwardingHost.AdminKey);

        var answer = await Envelope.SendAsync(host.Client, request);

        Assert.Equal("invalid_replay", answer.AssertError(HttpStatusCode.BadRequest));
        Assert.Contains(expected, answer.Body.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.PostAsync($"/api/destinations/{id}/replay", new { since = 0 }, key: ForwardingHost.ReadKey)).Status);
        Assert.Equal("destination_not_found", (await host.PostAsync("/api/destinations/nope/replay", new { since = 0 })).AssertError(HttpStatusCode.NotFound));
    }
}
