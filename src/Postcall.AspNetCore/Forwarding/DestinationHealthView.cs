namespace Postcall.Forwarding;

internal sealed record DestinationHealthView(int Pending, int Dead, DateTimeOffset? OldestPendingAt, DateTimeOffset? LastSuccessAt, DateTimeOffset? FailingSince);
