using Postcall.Storage;

namespace Postcall.Receiving;

/// <summary>A verified, classified delivery whose payload bytes wait in a temp file to be committed.</summary>
/// <param name="Envelope">What the delivery said besides its payload; audio keeps it nowhere else.</param>
internal sealed record PreparedPayload(PayloadKind Kind, ConversationId Id, TempPayload File, DeliveryEnvelope Envelope);

/// <summary>The envelope fields of a delivery that forwarding needs: to filter by agent and to rebuild an audio delivery.</summary>
/// <param name="AgentId"><c>data.agent_id</c>, when the delivery had one.</param>
/// <param name="EventTimestamp"><c>event_timestamp</c> in Unix seconds, when the delivery had one.</param>
internal sealed record DeliveryEnvelope(string? AgentId, long? EventTimestamp);

/// <summary>Either a payload ready to commit or the reason there is none.</summary>
internal readonly record struct ReadOutcome(PreparedPayload? Payload, Rejection? Rejection)
{
    public static implicit operator ReadOutcome(Rejection rejection) => new(null, rejection);

    public static implicit operator ReadOutcome(PreparedPayload payload) => new(payload, null);
}
