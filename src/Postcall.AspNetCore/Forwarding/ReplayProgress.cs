namespace Postcall.Forwarding;

/// <summary>A destination replay as it goes, shown by the API.</summary>
internal sealed class ReplayProgress(string id, string destinationId, long since, long until, IReadOnlyList<string> kinds, DateTimeOffset startedAt)
{
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";

    private int _conversations;
    private int _forwards;

    public string Id { get; } = id;

    public string DestinationId { get; } = destinationId;

    public long Since { get; } = since;

    public long Until { get; } = until;

    public IReadOnlyList<string> Kinds { get; } = kinds;

    public DateTimeOffset StartedAt { get; } = startedAt;

    public string Status { get; private set; } = Running;

    public DateTimeOffset? FinishedAt { get; private set; }

    public string? Error { get; private set; }

    /// <summary>Stored conversations in the range, gone through so far.</summary>
    public int Conversations => Volatile.Read(ref _conversations);

    /// <summary>Forwards made so far.</summary>
    public int Forwards => Volatile.Read(ref _forwards);

    public void Matched() => Interlocked.Increment(ref _conversations);

    public void Add(int forwards) => Interlocked.Add(ref _forwards, forwards);

    public void End(string status, string? error, DateTimeOffset at)
    {
        Error = error;
        FinishedAt = at;
        Status = status;
    }
}
