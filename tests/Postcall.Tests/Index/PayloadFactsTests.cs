using System.Text;
using Postcall.Index;
using Postcall.Tests.Support;

namespace Postcall.Tests.Index;

public sealed class PayloadFactsTests
{
    private static MemoryStream Json(string text) => new(Encoding.UTF8.GetBytes(text));

    [Fact]
    public void ElevenLabs_transcription_sample()
    {
        using var file = File.OpenRead(Fixtures.PathOf("post_call_transcription.json"));
        var facts = PayloadFacts.ReadTranscription(file);
        Assert.Equal("xyz", facts.AgentId);
        Assert.Equal("done", facts.Status);
        Assert.Equal("user123", facts.UserId);
        Assert.Equal(1739537297, facts.StartedAt);
        Assert.Equal(22, facts.DurationSecs);
        Assert.Equal("success", facts.CallSuccessful);
        Assert.StartsWith("The conversation begins with the agent asking how Angelo is", facts.Summary, StringComparison.Ordinal);
        Assert.Equal(3, facts.TranscriptText.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("fun fact about 11 Labs", facts.TranscriptText, StringComparison.Ordinal);
    }

    [Fact]
    public void The_earlier_services_flat_transcription()
    {
        var facts = PayloadFacts.ReadTranscription(Json("""
            {"conversation_id":"c","agent_id":"a","transcript":[{"role":"user","message":"hi"}],"metadata":{"start_time_unix_secs":"17","call_duration_secs":3.0},"analysis":{"call_successful":"failure"}}
            """));
        Assert.Equal(("a", "done", 17L, 3L, "failure"), (facts.AgentId, facts.Status, facts.StartedAt!.Value, facts.DurationSecs!.Value, facts.CallSuccessful));
        Assert.Equal("hi\n", facts.TranscriptText.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Failures_in_both_forms()
    {
        using var sip = File.OpenRead(Fixtures.PathOf("call_initiation_failure_sip.json"));
        Assert.Equal(new PayloadFacts.Failure("xyz", "busy", 1759931652), PayloadFacts.ReadFailure(sip));
        Assert.Equal(new PayloadFacts.Failure("a", "no_answer", null),
            PayloadFacts.ReadFailure(Json("""{"conversation_id":"c","agent_id":"a","error_code":"no_answer","error_message":"m"}""")));
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("[1,2]")]
    [InlineData("""{"data":7,"transcript":"not a list","metadata":[]}""")]
    [InlineData("""{"data":{"agent_id":{"nested":true},"metadata":{"start_time_unix_secs":1e300}}}""")]
    public void Odd_bodies_give_empty_facts_rather_than_errors(string body)
    {
        var facts = PayloadFacts.ReadTranscription(Json(body));
        Assert.Null(facts.AgentId);
        Assert.Null(facts.StartedAt);
        Assert.Equal(string.Empty, facts.TranscriptText);
        Assert.Null(PayloadFacts.ReadFailure(Json(body)).Reason);
    }
}
