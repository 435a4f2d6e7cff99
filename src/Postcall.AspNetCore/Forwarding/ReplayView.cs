namespace Postcall.Forwarding;

/// <summary>A destination replay as the API answers it.</summary>
internal sealed record ReplayView(string Id, string DestinationId, string Status, DateTimeOffset Since, DateTimeOffset Until, IReadOnlyList<string> Kinds,
    int Conversations, int Forwards, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, string? Error)
{
    public static ReplayView From(ReplayProgress replay)
    {
        ArgumentNullException.ThrowIfNull(replay);
        return new(replay.Id, replay.DestinationId, replay.Status, DateTimeOffset.FromUnixTimeSeconds(replay.Since), DateTimeOffset.FromUnixTimeSeconds(replay.Until),
            replay.Kinds, replay.Conversations, replay.Forwards, replay.StartedAt, replay.FinishedAt, replay.Error);
    }
}
