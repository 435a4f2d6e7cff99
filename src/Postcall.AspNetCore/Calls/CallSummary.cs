namespace Postcall.Calls;

/// <summary>What is known of a call at a glance: as the index keeps it, read from its stored payloads.</summary>
public sealed class CallSummary
{
    internal CallSummary()
    {
    }

    /// <summary>The conversation's id.</summary>
    public string ConversationId { get; internal init; } = string.Empty;

    /// <summary>The agent of the call, when a payload named it.</summary>
    public string? AgentId { get; internal init; }

    /// <summary>The conversation's status; <c>initiation_failed</c> for a call that never connected.</summary>
    public string? Status { get; internal init; }

    /// <summary>When the call started; for a call that never connected, when it failed.</summary>
    public DateTimeOffset StartedAt { get; internal init; }

    /// <summary>How long it lasted, in seconds.</summary>
    public long? DurationSecs { get; internal init; }

    /// <summary>The analysis' verdict: <c>success</c>, <c>failure</c> or <c>unknown</c>.</summary>
    public string? CallSuccessful { get; internal init; }

    /// <summary>The analysis' summary of the call.</summary>
    public string? Summary { get; internal init; }

    /// <summary>Why the call never connected, for such a call.</summary>
    public string? FailureReason { get; internal init; }

    /// <summary>Whether its transcription is stored.</summary>
    public bool HasTranscription { get; internal init; }

    /// <summary>Whether its recording is stored.</summary>
    public bool HasAudio { get; internal init; }

    /// <summary>Whether a <c>call_initiation_failure</c> is stored for it.</summary>
    public bool HasFailure { get; internal init; }

    /// <summary>When the newest of its payloads was stored.</summary>
    public DateTimeOffset ReceivedAt { get; internal init; }

    /// <summary>For a search: an excerpt of the transcript around the words found.</summary>
    public string? Snippet { get; internal init; }
}
