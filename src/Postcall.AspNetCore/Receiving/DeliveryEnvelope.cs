namespace Postcall.Receiving;

/// <summary>The envelope fields of a delivery that forwarding needs: to filter by agent and to rebuild an audio delivery.</summary>
/// <param name="AgentId"><c>data.agent_id</c>, when the delivery had one.</param>
/// <param name="EventTimestamp"><c>event_timestamp</c> in Unix seconds, when the delivery had one.</param>
internal sealed record DeliveryEnvelope(string? AgentId, long? EventTimestamp);
