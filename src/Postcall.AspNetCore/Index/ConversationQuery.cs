namespace Postcall.Index;

/// <summary>A page request over the index: filters, an optional full-text query, newest first.</summary>
internal sealed record ConversationQuery
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    public string? AgentId { get; init; }

    public string? Status { get; init; }

    public string? CallSuccessful { get; init; }

    /// <summary>Inclusive bounds on <see cref="ConversationFacts.StartedAt"/>, in unix seconds.</summary>
    public long? From { get; init; }

    public long? To { get; init; }

    /// <summary>Words to find in transcripts and summaries; every word must match, the last may be a prefix.</summary>
    public string? Text { get; init; }

    /// <summary>
    /// Only calls whose transcription promised a recording that has not arrived, received before this time (unix
    /// milliseconds): see <see cref="ConversationFacts.IsAudioMissing"/>.
    /// </summary>
    public long? AudioMissingBefore { get; init; }

    public int Limit { get; init; } = DefaultLimit;

    /// <summary>Continue after this position (exclusive), as given by the previous page.</summary>
    public PageCursor? After { get; init; }
}
