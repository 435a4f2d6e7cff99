using Postcall.Storage;

namespace Postcall.Receiving;

/// <summary>A verified, classified delivery whose payload bytes wait in a temp file to be committed.</summary>
/// <param name="Envelope">What the delivery said besides its payload; audio keeps it nowhere else.</param>
/// <param name="Fetched">Fetched from ElevenLabs' Conversations API (a backfill), not delivered by a webhook.</param>
internal sealed record PreparedPayload(PayloadKind Kind, ConversationId Id, TempPayload File, DeliveryEnvelope Envelope, bool Fetched = false);
