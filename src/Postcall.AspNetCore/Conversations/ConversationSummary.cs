using Postcall.Index;

namespace Postcall.Conversations;

/// <summary>
/// One conversation in a list: what the index knows about it. <see cref="OtherPayloads"/> lists deliveries of event
/// types this version does not know, stored as received.
/// </summary>
internal sealed record ConversationSummary(
    string ConversationId,
    string? AgentId,
    string? Status,
    string? UserId,
    DateTimeOffset StartedAt,
    long? DurationSecs,
    string? CallSuccessful,
    string? Summary,
    string? FailureReason,
    bool HasTranscription,
    bool HasAudio,
    bool HasFailure,
    long? TranscriptionBytes,
    long? AudioBytes,
    long? FailureBytes,
    DateTimeOffset ReceivedAt,
    string? Snippet,
    IReadOnlyList<OtherPayload> OtherPayloads,
    bool AudioMissing)
{
    /// <param name="now">For <see cref="AudioMissing"/>: the transcription promised a recording that is 15 minutes late.</param>
    public static ConversationSummary From(ConversationFacts facts, DateTimeOffset now, string? snippet = null)
    {
        ArgumentNullException.ThrowIfNull(facts);
        return new(facts.ConversationId, facts.AgentId, facts.Status, facts.UserId, DateTimeOffset.FromUnixTimeSeconds(facts.StartedAt),
            facts.DurationSecs, facts.CallSuccessful, facts.Summary, facts.FailureReason, facts.TranscriptionBytes is not null,
            facts.AudioBytes is not null, facts.FailureBytes is not null, facts.TranscriptionBytes, facts.AudioBytes,
            facts.FailureBytes, facts.ReceivedAt, snippet, facts.OtherPayloads.Items, facts.IsAudioMissing(now));
    }
}
