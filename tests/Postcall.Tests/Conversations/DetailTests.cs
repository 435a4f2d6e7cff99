using System.Net;
using System.Text;
using System.Text.Json;
using Postcall.Http;
using Postcall.Tests.Support;

namespace Postcall.Tests.Conversations;

public sealed class DetailTests : ApiTests
{
    [Fact]
    public async Task ElevenLabs_sample_reads_back_as_metadata_analysis_and_turns()
    {
        await StoreAsync(Encoding.UTF8.GetString(Fixtures.Bytes("post_call_transcription.json")));
        var detail = await GetAsync("/api/conversations/abc");
        Assert.Equal(HttpStatusCode.OK, detail.Status);

        var conversation = detail.Data.GetProperty("conversation");
        Assert.Equal(("abc", "xyz", 22), (conversation.GetProperty("conversation_id").GetString(), conversation.GetProperty("agent_id").GetString(),
            conversation.GetProperty("duration_secs").GetInt32()));
        var analysis = detail.Data.GetProperty("analysis");
        Assert.Equal("success", analysis.GetProperty("call_successful").GetString());
        Assert.StartsWith("The conversation begins", analysis.GetProperty("summary").GetString(), StringComparison.Ordinal);
        var turns = detail.Data.GetProperty("transcript").EnumerateArray().ToList();
        Assert.Equal(["agent", "user", "agent"], turns.Select(t => t.GetProperty("role").GetString()));
        Assert.Equal([0.0, 2.0, 9.0], turns.Select(t => t.GetProperty("time_in_call_secs").GetDouble()));
        Assert.Equal("Hey there angelo. How are you?", turns[0].GetProperty("message").GetString());
        Assert.Equal(296, detail.Data.GetProperty("metadata").GetProperty("cost").GetInt32());
        Assert.Equal(JsonValueKind.Null, detail.Data.GetProperty("failure").ValueKind);

        var links = detail.Data.GetProperty("links");
        Assert.Equal("/api/conversations/abc", links.GetProperty("self").GetString());
        Assert.Equal("/api/conversations/abc/raw/transcription", links.GetProperty("transcription").GetString());
        Assert.Equal(JsonValueKind.Null, links.GetProperty("audio").ValueKind);
    }

    public static TheoryData<string, string> OddValues => new()
    {
        { "start far in the future", "\"metadata\":{\"start_time_unix_secs\":99999999999999,\"call_duration_secs\":5}" },
        { "start before year one", "\"metadata\":{\"start_time_unix_secs\":-99999999999999}" },
        { "start past a long", "\"metadata\":{\"start_time_unix_secs\":1e30,\"call_duration_secs\":-1e30}" },
        { "start past a double", "\"metadata\":{\"start_time_unix_secs\":1e400,\"call_duration_secs\":1e400}" },
        { "start as a huge string", "\"metadata\":{\"start_time_unix_secs\":\"9223372036854775807\"}" },
        { "turn times past a double", "\"transcript\":[{\"role\":\"agent\",\"message\":\"odd\",\"time_in_call_secs\":1e400},{\"role\":\"user\",\"time_in_call_secs\":-1e400}]" },
    };

    [Theory]
    [MemberData(nameof(OddValues))]
    public async Task Out_of_range_values_in_a_stored_transcription_never_break_reading(string name, string fields)
    {
        var id = "odd-" + name.Replace(' ', '-');
        await StoreAsync($$$"""{"type":"post_call_transcription","event_timestamp":99999999999999,"data":{"agent_id":"odd-agent","conversation_id":"{{{id}}}","status":"done",{{{fields}}}}}""");
        await StoreAsync($$$"""{"type":"call_initiation_failure","event_timestamp":-99999999999999,"data":{"agent_id":"odd-agent","conversation_id":"{{{id}}}-failed","failure_reason":"busy"}}""");

        var list = await GetAsync("/api/conversations?agent_id=odd-agent");
        Assert.Equal(HttpStatusCode.OK, list.Status);
        Assert.Equal(2, list.Data.GetProperty("conversations").GetArrayLength());
        Assert.Equal(HttpStatusCode.OK, (await GetAsync("/api/conversations?q=odd")).Status);
        foreach (var each in new[] { id, id + "-failed" })
        {
            var detail = await GetAsync($"/api/conversations/{each}");
            Assert.Equal(HttpStatusCode.OK, detail.Status);
            // A start time no calendar holds is left out, and the call is dated by when it arrived.
            var started = detail.Data.GetProperty("conversation").GetProperty("started_at").GetDateTimeOffset();
            Assert.InRange(started, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(1));
        }
    }

    [Fact]
    public async Task Evaluation_criteria_collected_data_and_tool_calls_come_through()
    {
        var call = DemoCalls.Calls(DateTimeOffset.UtcNow.ToUnixTimeSeconds())[0];
        await StoreAsync(DemoCalls.Transcription(call));
        var detail = (await GetAsync($"/api/conversations/{call.ConversationId}")).Data;

        var criteria = detail.GetProperty("analysis").GetProperty("evaluation_criteria").EnumerateArray().ToList();
        Assert.Equal(["resolved", "polite"], criteria.Select(c => c.GetProperty("id").GetString()));
        Assert.Equal("success", criteria[0].GetProperty("result").GetString());
        Assert.Equal("The request was completed during the call.", criteria[0].GetProperty("rationale").GetString());
        var data = Assert.Single(detail.GetProperty("analysis").GetProperty("data_collection").EnumerateArray());
        Assert.Equal(("order_number", "4471"), (data.GetProperty("id").GetString(), data.GetProperty("value").GetString()));
        var tool = detail.GetProperty("transcript")[2].GetProperty("tool_calls")[0];
        Assert.Equal("lookup_order", tool.GetProperty("tool_name").GetString());
    }

    [Fact]
    public async Task A_failed_call_shows_the_reason_and_the_providers_report()
    {
        await StoreAsync(Encoding.UTF8.GetString(Fixtures.Bytes("call_initiation_failure_sip.json")));
        var detail = (await GetAsync("/api/conversations/abc")).Data;
        var failure = detail.GetProperty("failure");
        Assert.Equal("busy", failure.GetProperty("reason").GetString());
        Assert.Equal("sip", failure.GetProperty("provider").GetString());
        Assert.Equal("INVITE failed: sip status: 486: Busy here (SIP 486)", failure.GetProperty("message").GetString());
        Assert.Equal(486, failure.GetProperty("details").GetProperty("sip_status_code").GetInt32());
        Assert.Equal("initiation_failed", detail.GetProperty("conversation").GetProperty("status").GetString());
        Assert.Equal("/api/conversations/abc/raw/failure", detail.GetProperty("links").GetProperty("failure").GetString());
        Assert.Empty(detail.GetProperty("transcript").EnumerateArray());
    }

    [Fact]
    public async Task The_earlier_services_flat_failure_is_understood()
    {
        await StoreAsync("""{"conversation_id":"flat","agent_id":"a","error_code":"no_answer","error_message":"Nobody picked up."}""");
        var failure = (await GetAsync("/api/conversations/flat")).Data.GetProperty("failure");
        Assert.Equal(("no_answer", "Nobody picked up."), (failure.GetProperty("reason").GetString(), failure.GetProperty("message").GetString()));
    }

    [Theory]
    [InlineData("/api/conversations/nobody")]
    [InlineData("/api/conversations/..%2F..%2Fetc")]
    [InlineData("/api/conversations/%2E%2E")]
    [InlineData("/api/conversations/a%20b")]
    [InlineData("/api/conversations/.postcall")]
    public async Task Unknown_or_impossible_ids_are_404(string path) =>
        Assert.Contains((await GetAsync(path)).AssertError(HttpStatusCode.NotFound), new[] { ErrorCodes.ConversationNotFound, ErrorCodes.NotFound });

    [Fact]
    public async Task A_conversation_the_index_does_not_have_yet_is_read_from_its_files()
    {
        var folder = Directory.CreateDirectory(Path.Combine(Factory.PayloadRoot, "dropped-in"));
        await File.WriteAllBytesAsync(Path.Combine(folder.FullName, "dropped-in_failure.json"), Fixtures.Bytes("call_initiation_failure_twilio.json"), Ct);
        _ = Factory.CreateClient();

        var detail = await GetAsync("/api/conversations/dropped-in");
        Assert.Equal(HttpStatusCode.OK, detail.Status);
        Assert.Equal("twilio", detail.Data.GetProperty("failure").GetProperty("provider").GetString());
    }
}
