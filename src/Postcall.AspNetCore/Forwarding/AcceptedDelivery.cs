using Postcall.Storage;

namespace Postcall.Forwarding;

/// <summary>A delivery accepted for a conversation, as forwarding needs it.</summary>
/// <param name="Version">The stored payload's version: a redelivery of the same bytes has the same one.</param>
/// <param name="Fetched">Fetched from ElevenLabs' Conversations API because the webhook never came, not delivered.</param>
internal sealed record AcceptedDelivery(ConversationId Id, PayloadKind Kind, string Version, string? AgentId, long? EventTimestamp, bool Fetched = false);
