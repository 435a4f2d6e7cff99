using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Postcall.Tests.Conversations;
using Postcall.Tests.Observability;
using Postcall.Tests.Support;

namespace Postcall.Tests.Receiving;

/// <summary>
/// ElevenLabs adds event types over time and counts every non-200 as a failed delivery: a correctly signed envelope of
/// a type this version does not know is stored as received and answered 200, never refused for being new.
/// </summary>
public sealed class NewEventTypeTests : ServiceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Event(string type, string conversationId, string extra = "") =>
        $$$"""{"type":"{{{type}}}","event_timestamp":1739537400,"data":{"agent_id":"agent_video","conversation_id":"{{{conversationId}}}"{{{extra}}}}}""";

    private string Stored(string cid, string type) => Path.Combine(Factory.PayloadRoot, cid, $"{cid}_{type}.json");

    [Fact]
    public async Task A_signed_envelope_of_a_new_type_is_stored_exactly_as_received_and_answered_200()
    {
        var body = Encoding.UTF8.GetBytes(Event("post_call_video", "abc", ",\"video_url\":\"https://example.invalid/v.mp4\""));
        var response = await Envelope.SendAsync(Factory.CreateClient(), Deliveries.SignedRequest(body));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("other", response.Data.GetProperty("webhook_type").GetString());
        Assert.Equal("post_call_video", response.Data.GetProperty("event_type").GetString());
        Assert.False(response.Data.GetProperty("duplicate").GetBoolean());
        Assert.Equal(Stored("abc", "post_call_video"), response.Data.GetProperty("file_path").GetString());
        Assert.Equal(body, await File.ReadAllBytesAsync(Stored("abc", "post_call_video"), Ct));
        PayloadRootAssertions.OnlyPayloadFiles(Factory.PayloadRoot);
    }

    [Fact]
    public async Task Duplicates_and_replacements_follow_the_same_rules_as_known_types()
    {
        var client = Factory.CreateClient();
        var first = Encoding.UTF8.GetBytes(Event("agent_handoff", "dup", ",\"n\":1"));
        Assert.False((await Envelope.SendAsync(client, Deliveries.SignedRequest(first))).Data.GetProperty("duplicate").GetBoolean());
        Assert.True((await Envelope.SendAsync(client, Deliveries.SignedRequest(first))).Data.GetProperty("duplicate").GetBoolean());

        var changed = Encoding.UTF8.GetBytes(Event("agent_handoff", "dup", ",\"n\":2"));
        Assert.False((await Envelope.SendAsync(client, Deliveries.SignedRequest(changed))).Data.GetProperty("duplicate").GetBoolean());
        Assert.Equal(changed, await File.ReadAllBytesAsync(Stored("dup", "agent_handoff"), Ct));
    }

    [Theory]
    [InlineData("transcription")]
    [InlineData("audio")]
    [InlineData("failure")]
    [InlineData("Post_call_video")]
    [InlineData("post-call-video")]
    [InlineData("_video")]
    [InlineData("9video")]
    [InlineData("post_call_video.json")]
    [InlineData("../x")]
    [InlineData("")]
    [InlineData("a2345678901234567890123456789012345678901234567890123456789012345")]
    public async Task Types_that_are_no_safe_new_name_are_refused_and_never_overwrite_a_known_payload(string type)
    {
        var client = Factory.CreateClient();
        var transcription = Encoding.UTF8.GetBytes(Deliveries.Transcription("known"));
        Assert.Equal(HttpStatusCode.OK, (await Envelope.SendAsync(client, Deliveries.SignedRequest(transcription))).Status);

        var response = await Envelope.SendAsync(client, Deliveries.SignedRequest(Event(type, "known")));
        Assert.Equal("unknown_webhook_type", response.AssertError(HttpStatusCode.BadRequest));
        Assert.Equal(transcription, await File.ReadAllBytesAsync(Path.Combine(Factory.PayloadRoot, "known", "known_transcription.json"), Ct));
        Assert.Single(Directory.EnumerateFiles(Path.Combine(Factory.PayloadRoot, "known")));
    }

    [Theory]
    [InlineData("{\"type\":\"post_call_video\",\"data\":{\"agent_id\":\"a\"}}", "missing_conversation_id")]
    [InlineData("{\"type\":\"post_call_video\"}", "missing_conversation_id")]
    [InlineData("{\"type\":\"post_call_video\",\"data\":{\"conversation_id\":\"../etc\"}}", "invalid_conversation_id")]
    [InlineData("{\"type\":7,\"data\":{\"conversation_id\":\"abc\"}}", "unknown_webhook_type")]
    public async Task A_new_type_still_needs_a_valid_conversation_id(string body, string code)
    {
        var response = await Envelope.SendAsync(Factory.CreateClient(), Deliveries.SignedRequest(body));
        Assert.Equal(code, response.AssertError(HttpStatusCode.BadRequest));
        PayloadRootAssertions.NothingStored(Factory.PayloadRoot);
    }

    [Fact]
    public async Task A_new_type_that_cannot_be_stored_is_answered_503_so_it_is_retried()
    {
        var client = Factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/health", UriKind.Relative), Ct)).StatusCode);
        using (new Immutable(Factory.PayloadRoot))
        {
            var response = await Envelope.SendAsync(client, Deliveries.SignedRequest(Event("post_call_video", "blocked")));
            Assert.Equal("storage_unavailable", response.AssertError(HttpStatusCode.ServiceUnavailable));
        }

        PayloadRootAssertions.NothingStored(Factory.PayloadRoot);
    }

    [Fact]
    public async Task A_warning_is_logged_once_per_new_type()
    {
        var capture = new LogCapture();
        var client = Factory.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddLogging(l => l.AddProvider(capture)))).CreateClient();
        foreach (var (type, cid) in new[] { ("post_call_video", "w1"), ("post_call_video", "w2"), ("agent_handoff", "w3"), ("post_call_video", "w4") })
        {
            Assert.Equal(HttpStatusCode.OK, (await Envelope.SendAsync(client, Deliveries.SignedRequest(Event(type, cid)))).Status);
        }

        var warnings = capture.Entries.Where(e => e.Contains("[2002]", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.Single(warnings, w => w.Contains("'post_call_video'", StringComparison.Ordinal));
        Assert.Single(warnings, w => w.Contains("'agent_handoff'", StringComparison.Ordinal));
    }
}

/// <summary>A new event type in the read API: listed, linked from its conversation, and served byte for byte.</summary>
public sealed class NewEventTypeReadTests : ApiTests
{
    [Fact]
    public async Task New_types_show_as_extra_files_of_their_conversation()
    {
        await StoreAsync(Encoding.UTF8.GetString(Fixtures.Bytes("post_call_transcription.json")));
        var video = """{"type":"post_call_video","event_timestamp":1739537400,"data":{"agent_id":"xyz","conversation_id":"abc","url":"v"}}""";
        await StoreAsync(video);
        await StoreAsync("""{"type":"agent_handoff","event_timestamp":1739537400,"data":{"agent_id":"xyz","conversation_id":"only-other"}}""");

        var detail = (await GetAsync("/api/conversations/abc")).Data;
        Assert.Equal("/api/conversations/abc/raw/post_call_video", detail.GetProperty("links").GetProperty("other").GetProperty("post_call_video").GetString());
        var others = detail.GetProperty("conversation").GetProperty("other_payloads").EnumerateArray().ToList();
        Assert.Equal(("post_call_video", Encoding.UTF8.GetByteCount(video)), (others[0].GetProperty("event_type").GetString(), others[0].GetProperty("bytes").GetInt32()));
        Assert.Equal("xyz", detail.GetProperty("conversation").GetProperty("agent_id").GetString());

        using var raw = await Api().GetAsync(new Uri("/api/conversations/abc/raw/post_call_video", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, raw.StatusCode);
        Assert.Equal(video, await raw.Content.ReadAsStringAsync(Ct));
        using var missing = await Api().GetAsync(new Uri("/api/conversations/abc/raw/agent_handoff", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var notAType = await Api().GetAsync(new Uri("/api/conversations/abc/raw/..%2Fx", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.NotFound, notAType.StatusCode);

        // A conversation of which only a new type has arrived is listed too.
        Assert.Contains("only-other", await ListIdsAsync());
        var deleted = await Envelope.SendAsync(Api(), new HttpRequestMessage(HttpMethod.Delete, "/api/conversations/abc"));
        Assert.Equal(2, deleted.Data.GetProperty("deleted_files").GetInt32());
    }
}
