namespace Postcall.Reconciling;

/// <summary>One sweep: what it covers, where it stands, and what it found.</summary>
/// <param name="Trigger"><c>background</c> (the interval) or <c>one-off</c> (<c>POST /api/reconcile</c>).</param>
/// <param name="Since">Calls that started after this, in Unix seconds.</param>
/// <param name="Until">Calls that started before this, in Unix seconds: fixed when the sweep starts.</param>
/// <param name="Status"><c>running</c>, <c>completed</c>, <c>failed</c> (the list could not be read), <c>interrupted</c>.</param>
/// <param name="UpdatedAt">Written at every page: a running sweep not updated for a while was cut short.</param>
/// <param name="Reach">
/// For a completed sweep: the start time before which everything was settled (stored, unfillable, or neither final
/// nor due); the next background sweep lists from there, less an overlap.
/// </param>
internal sealed record SweepRecord(
    string Id,
    string Trigger,
    long Since,
    long Until,
    IReadOnlyList<string> Agents,
    bool DryRun,
    string Status,
    DateTimeOffset StartedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? FinishedAt,
    long? Reach,
    SweepReport Report)
{
    public const string Background = "background";
    public const string OneOff = "one-off";
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Interrupted = "interrupted";
}
