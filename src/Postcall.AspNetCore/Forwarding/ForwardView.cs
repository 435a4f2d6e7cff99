namespace Postcall.Forwarding;

/// <summary>A forward as the API shows it; with its attempts when asked for one by id.</summary>
internal sealed record ForwardView(
    string Id,
    string DestinationId,
    string ConversationId,
    string Kind,
    string EventType,
    string Status,
    int Attempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset? NextAttemptAt,
    DateTimeOffset? DeliveredAt,
    int? LastStatusCode,
    string? LastError,
    bool Replay,
    IReadOnlyList<ForwardAttempt>? AttemptLog)
{
    public static ForwardView From(Forward f, IReadOnlyList<ForwardAttempt>? attempts = null) => new(
        f.Id,
        f.DestinationId,
        f.ConversationId.Value,
        f.Kind.WireName,
        Receiving.PostCallClassifier.TypeOf(f.Kind),
        ForwardStatuses.Name(f.Status),
        f.Attempts,
        f.CreatedAt,
        f.Status == ForwardStatus.Pending ? f.DueAt : null,
        f.DeliveredAt,
        f.LastStatusCode,
        f.LastError,
        f.Replay,
        attempts);
}
