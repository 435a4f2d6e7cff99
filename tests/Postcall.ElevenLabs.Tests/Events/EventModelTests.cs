using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Postcall.Tests.Support;

namespace Postcall.ElevenLabs.Tests.Events;

/// <summary>The core's typed models read every sample, and whatever ElevenLabs adds later without losing it.</summary>
public sealed class EventModelTests
{
    [Theory]
    [InlineData("post_call_transcription.json", typeof(TranscriptionEvent), 1739537297L)]
    [InlineData("post_call_audio.json", typeof(AudioEvent), 1739537319L)]
    [InlineData("call_initiation_failure_sip.json", typeof(CallInitiationFailureEvent), 1759931652L)]
    [InlineData("call_initiation_failure_twilio.json", typeof(CallInitiationFailureEvent), 1759931652L)]
    public void Every_sample_reads_as_its_type(string file, Type expected, long timestamp)
    {
        var e = PostCallEvents.Parse(Fixtures.Bytes(file));

        Assert.IsType(expected, e);
        Assert.Equal("abc", e.ConversationId);
        Assert.Equal("xyz", e.AgentId);
        Assert.Equal(timestamp, e.EventTimestamp);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(timestamp), e.EventTime);
    }

    [Fact]
    public void A_transcription_reads_its_conversation()
    {
        var e = Assert.IsType<TranscriptionEvent>(PostCallEvents.Parse(Fixtures.Bytes("post_call_transcription.json")));
        var c = e.Data;

        Assert.Equal(ConversationStatus.Done, c.Status);
        Assert.True(c.Status!.Value.IsFinal);
        Assert.Equal("user123", c.UserId);
        Assert.Equal([TranscriptRole.Agent, TranscriptRole.User, TranscriptRole.Agent], c.Transcript!.Select(t => t.Role!.Value));
        Assert.Equal("Hey there angelo. How are you?", c.Transcript![0].Message);
        Assert.Equal(9, c.Transcript![2].TimeInCallSecs);
        Assert.Equal(1739537297, c.Metadata!.StartTimeUnixSecs);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1739537297), c.Metadata.StartTime);
        Assert.Equal(22, c.Metadata.CallDurationSecs);
        Assert.Equal(CallSuccess.Success, c.Analysis!.CallSuccessful);
        Assert.StartsWith("The conversation begins", c.Analysis.TranscriptSummary, StringComparison.Ordinal);
        Assert.Equal("angelo", c.ConversationInitiationClientData!.DynamicVariables!["user_name"].GetString());
        // Modelled fields are not repeated as unknown ones; the documented fields not modelled are kept.
        Assert.False(c.AdditionalProperties?.ContainsKey("transcript") ?? false);
        Assert.True(c.Metadata.AdditionalProperties!.ContainsKey("deletion_settings"));
        Assert.True(c.Transcript![2].AdditionalProperties!.ContainsKey("conversation_turn_metrics"));
    }

    [Fact]
    public void A_failure_reads_its_reason_and_the_providers_report()
    {
        var sip = Assert.IsType<CallInitiationFailureEvent>(PostCallEvents.Parse(Fixtures.Bytes("call_initiation_failure_sip.json")));
        var twilio = Assert.IsType<CallInitiationFailureEvent>(PostCallEvents.Parse(Fixtures.Bytes("call_initiation_failure_twilio.json")));

        Assert.Equal("busy", sip.Data.FailureReason);
        Assert.Equal("sip", sip.Data.Metadata!.Type);
        Assert.Equal(486, sip.Data.Metadata.Body!.Value.GetProperty("sip_status_code").GetInt32());
        Assert.Equal("twilio", twilio.Data.Metadata!.Type);
        Assert.Equal("CA8367245817625617832576245724", twilio.Data.Metadata.Body!.Value.GetProperty("CallSid").GetString());
    }

    [Fact]
    public async Task An_audio_event_opens_the_recording_as_a_stream_of_its_mp3_bytes()
    {
        var e = Assert.IsType<AudioEvent>(PostCallEvents.Parse(Fixtures.Bytes("post_call_audio.json")));

        Assert.Equal(Fixtures.Bytes("sample_call.mp3"), await ReadAllAsync(e));
        // Each opening starts again from the beginning.
        Assert.Equal(Fixtures.Bytes("sample_call.mp3"), await ReadAllAsync(e));
    }

    [Fact]
    public async Task Audio_whose_base64_carries_json_escapes_decodes_the_same()
    {
        var body = Encoding.UTF8.GetString(Fixtures.Bytes("post_call_audio.json")).Replace("/", "\\/", StringComparison.Ordinal);

        var e = Assert.IsType<AudioEvent>(PostCallEvents.Parse(Encoding.UTF8.GetBytes(body)));

        Assert.Equal(Fixtures.Bytes("sample_call.mp3"), await ReadAllAsync(e));
    }

    [Fact]
    public async Task The_audio_envelope_around_a_recording_is_byte_for_byte_the_one_elevenlabs_sends()
    {
        var envelope = new AudioEnvelope("abc", "xyz", 1739537319);
        using var body = new MemoryStream();
        await using var mp3 = File.OpenRead(Fixtures.PathOf("sample_call.mp3"));

        var read = await envelope.WriteAsync(mp3, chunk => body.WriteAsync(chunk, TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);

        Assert.Equal(mp3.Length, read);
        Assert.Equal(Fixtures.Bytes("post_call_audio.json"), body.ToArray());
        Assert.Equal(body.Length, envelope.LengthAround(mp3.Length));
    }

    [Fact]
    public void Fields_and_enumeration_values_added_later_are_kept_not_refused()
    {
        var json = JsonNode.Parse(Fixtures.Bytes("post_call_transcription.json"))!;
        json["delivery_attempt"] = 2;
        var data = json["data"]!;
        data["status"] = "archived";
        data["sentiment"] = new JsonObject { ["score"] = 0.8 };
        data["transcript"]![0]!["role"] = "supervisor";
        data["transcript"]![0]!["emotion"] = "calm";
        data["analysis"]!["call_successful"] = "partial";
        data["metadata"]!["carrier"] = "acme";

        var c = Assert.IsType<TranscriptionEvent>(PostCallEvents.Parse(Encoding.UTF8.GetBytes(json.ToJsonString()))).Data;

        Assert.Equal("archived", c.Status!.Value.Value);
        Assert.False(c.Status.Value.IsFinal);
        Assert.Equal(new TranscriptRole("supervisor"), c.Transcript![0].Role);
        Assert.Equal("partial", c.Analysis!.CallSuccessful!.Value.ToString());
        Assert.Equal(0.8, c.AdditionalProperties!["sentiment"].GetProperty("score").GetDouble());
        Assert.Equal("calm", c.Transcript![0].AdditionalProperties!["emotion"].GetString());
        Assert.Equal("acme", c.Metadata!.AdditionalProperties!["carrier"].GetString());
    }

    [Fact]
    public void A_type_added_later_is_an_unknown_event_that_keeps_its_data()
    {
        var body = """{"type":"post_call_summary","event_timestamp":1760000000,"data":{"agent_id":"xyz","conversation_id":"abc","summary":{"text":"kept"}}}"""u8.ToArray();

        var e = Assert.IsType<UnknownEvent>(PostCallEvents.Parse(body));

        Assert.Equal("post_call_summary", e.Type);
        Assert.Equal("abc", e.ConversationId);
        Assert.Equal("xyz", e.AgentId);
        Assert.Equal("kept", e.Data.GetProperty("summary").GetProperty("text").GetString());
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"event_timestamp":1,"data":{"agent_id":"a","conversation_id":"c"}}""")]
    [InlineData("""{"type":"post_call_transcription","event_timestamp":1}""")]
    [InlineData("""{"type":"post_call_transcription","data":{"agent_id":"a"}}""")]
    [InlineData("""{"type":"call_initiation_failure","data":{"conversation_id":"c"}}""")]
    [InlineData("""{"type":"post_call_audio","data":{"agent_id":"a","conversation_id":"c"}}""")]
    [InlineData("""{"type":"post_call_audio","data":{"agent_id":"a","conversation_id":"c","full_audio":7}}""")]
    [InlineData("""{"type":"something_new","data":{"agent_id":"a"}}""")]
    [InlineData("""{"type":"post_call_transcription","data":{"agent_id":"a","conversation_id":""}}""")]
    [InlineData("""{"type":"call_initiation_failure","data":{"agent_id":"","conversation_id":"c"}}""")]
    public void What_lacks_a_type_data_or_ids_is_refused_with_a_json_exception(string body)
    {
        Assert.ThrowsAny<JsonException>(() => PostCallEvents.Parse(Encoding.UTF8.GetBytes(body)));
    }

    [Fact]
    public void The_conversations_api_answer_reads_as_the_same_model()
    {
        var c = PostCallEvents.ParseConversation(File.ReadAllBytes(Path.Combine(Fixtures.Directory, "api", "get_conversation.json")));

        Assert.Equal("conv_9801kkc21cpnch5ztxzv5kr3p1mc", c.ConversationId);
        Assert.Equal("agent_1901kes839x4g04z6g5cdabhxjbn", c.AgentId);
        Assert.Equal("Harbor Dental Front Desk", c.AgentName);
        Assert.Equal(ConversationStatus.Done, c.Status);
        Assert.NotEmpty(c.Transcript!);
        Assert.True(c.AdditionalProperties!.ContainsKey("has_auxiliary_audio"));
        Assert.True(c.Metadata!.AdditionalProperties!.ContainsKey("phone_call"));
        Assert.True(c.Transcript![0].AdditionalProperties!.ContainsKey("source_medium"));
    }

    private static async Task<byte[]> ReadAllAsync(AudioEvent e)
    {
        await using var audio = await e.OpenAudioAsync(TestContext.Current.CancellationToken);
        using var copy = new MemoryStream();
        await audio.CopyToAsync(copy, TestContext.Current.CancellationToken);
        return copy.ToArray();
    }
}
