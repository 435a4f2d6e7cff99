namespace Postcall.Forwarding;

/// <summary>How a destination is doing, for the dashboard and the metrics.</summary>
internal sealed record DestinationHealth(
    string DestinationId,
    int Pending,
    int Dead,
    DateTimeOffset? OldestPending,
    DateTimeOffset? LastSuccess,
    DateTimeOffset? FailingSince);
