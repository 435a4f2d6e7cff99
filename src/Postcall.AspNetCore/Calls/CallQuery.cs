namespace Postcall.Calls;

/// <summary>Which calls <see cref="ICallArchive.ListAsync"/> gives: every filter optional, newest first.</summary>
public sealed class CallQuery
{
    /// <summary>Only this agent's calls.</summary>
    public string? AgentId { get; init; }

    /// <summary>Only calls of this status (<c>done</c>, <c>failed</c>, …; <c>initiation_failed</c> for calls that never connected).</summary>
    public string? Status { get; init; }

    /// <summary>Only calls the analysis judged so: <c>success</c>, <c>failure</c> or <c>unknown</c>.</summary>
    public string? CallSuccessful { get; init; }

    /// <summary>Only calls that started at or after this time.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Only calls that started at or before this time.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Words to find in transcripts and summaries: every word must match; the last may be the start of one.</summary>
    public string? Text { get; init; }

    /// <summary>How many calls a page holds: 1 to 200; 50 unless set.</summary>
    public int Limit { get; init; } = 50;

    /// <summary>Where to continue: <see cref="CallPage.NextCursor"/> of the page before.</summary>
    public string? Cursor { get; init; }
}
