using Postcall.Storage;

namespace Postcall.Forwarding;

internal enum ForwardStatus
{
    /// <summary>Waiting for its next attempt (or for its paused destination).</summary>
    Pending,

    /// <summary>A 2xx answer was received.</summary>
    Delivered,

    /// <summary>Every attempt of the schedule failed, or the receiver said 410 Gone; kept for replay.</summary>
    Dead,
}

internal static class ForwardStatuses
{
    public static string Name(ForwardStatus status) => status switch
    {
        ForwardStatus.Delivered => "delivered",
        ForwardStatus.Dead => "dead",
        _ => "pending",
    };

    public static bool TryParse(string? name, out ForwardStatus status)
    {
        status = name switch
        {
            "pending" => ForwardStatus.Pending,
            "delivered" => ForwardStatus.Delivered,
            "dead" => ForwardStatus.Dead,
            _ => (ForwardStatus)(-1),
        };
        return Enum.IsDefined(status);
    }
}

/// <summary>One payload on its way to one destination, and where that stands.</summary>
/// <param name="Id">Also the <c>webhook-id</c> of every attempt, so a receiver can drop repeats.</param>
/// <param name="Step">Attempts made since it was recorded or last replayed: the place in the retry schedule.</param>
/// <param name="Replay">Made or made pending again on request (a replay of the call, a retry of dead forwards), not by a delivery.</param>
internal sealed record Forward(
    string Id,
    string DestinationId,
    ConversationId ConversationId,
    PayloadKind Kind,
    string? AgentId,
    long? EventTimestamp,
    ForwardStatus Status,
    int Attempts,
    int Step,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DueAt,
    DateTimeOffset? DeliveredAt,
    int? LastStatusCode,
    string? LastError,
    bool Replay = false);

/// <summary>
/// One request made for a forward, kept whatever came of it. Its answer and error are text the destination controls
/// (a body, a status line, a reason phrase): each is kept to <see cref="MaxResponseChars"/> characters with its control
/// characters escaped, however it was made, so a hostile destination can neither fill the outbox nor hide escape
/// sequences in what an operator reads.
/// </summary>
/// <param name="Response">The first <see cref="MaxResponseChars"/> characters of the answer's body.</param>
internal sealed record ForwardAttempt(int Number, DateTimeOffset StartedAt, TimeSpan Duration, int? StatusCode, string? Response, string? Error, bool Succeeded)
{
    public const int MaxResponseChars = 1024;

    public string? Response { get; init => field = Http.LogText.Keep(value, MaxResponseChars, keepLineBreaks: true); } =
        Http.LogText.Keep(Response, MaxResponseChars, keepLineBreaks: true);

    public string? Error { get; init => field = Http.LogText.Keep(value, MaxResponseChars, keepLineBreaks: false); } =
        Http.LogText.Keep(Error, MaxResponseChars, keepLineBreaks: false);
}

/// <summary>A delivery accepted for a conversation, as forwarding needs it.</summary>
/// <param name="Version">The stored payload's version: a redelivery of the same bytes has the same one.</param>
internal sealed record AcceptedDelivery(ConversationId Id, PayloadKind Kind, string Version, string? AgentId, long? EventTimestamp);

/// <summary>How a destination is doing, for the dashboard and the metrics.</summary>
internal sealed record DestinationHealth(
    string DestinationId,
    int Pending,
    int Dead,
    DateTimeOffset? OldestPending,
    DateTimeOffset? LastSuccess,
    DateTimeOffset? FailingSince);

/// <summary>Which forwards to list, newest first.</summary>
internal sealed record ForwardFilter(ForwardStatus? Status = null, string? DestinationId = null, ConversationId? ConversationId = null, int Limit = 100);
