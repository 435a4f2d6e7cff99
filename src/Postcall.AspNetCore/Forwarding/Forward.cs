using Postcall.Storage;

namespace Postcall.Forwarding;

/// <summary>One payload on its way to one destination, and where that stands.</summary>
/// <param name="Id">Also the <c>webhook-id</c> of every attempt, so a receiver can drop repeats.</param>
/// <param name="Step">Attempts made since it was recorded or last replayed: the place in the retry schedule.</param>
/// <param name="Replay">Made or made pending again on request (a replay of the call, a retry of dead forwards), not by a delivery.</param>
/// <param name="Fetched">Its payload was fetched from ElevenLabs' Conversations API, not delivered by a webhook.</param>
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
    bool Replay = false,
    bool Fetched = false);
