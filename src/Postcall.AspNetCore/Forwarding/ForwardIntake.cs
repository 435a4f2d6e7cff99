using Postcall.Receiving;
using Postcall.Storage;

namespace Postcall.Forwarding;

/// <summary>
/// The delivery path's part in forwarding: once a payload is stored, and before the delivery is answered, records a
/// forward to each destination that takes it. A redelivery of bytes already stored records them only if the first
/// delivery's were not (a crash came between its storing and its recording), so ElevenLabs' retry is never a
/// <c>duplicate</c> that forwards nothing, nor one that forwards twice.
/// </summary>
internal sealed class ForwardIntake(IForwardOutbox outbox, ForwardDispatcher dispatcher, ForwardSettings settings)
{
    /// <summary>Throws <see cref="OutboxUnavailableException"/> when the forwards cannot be recorded: the delivery must then not be answered 200.</summary>
    public async Task RecordAsync(PreparedPayload payload, StoredPayload stored)
    {
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(stored);
        await dispatcher.WhenReadyAsync();
        var delivery = new AcceptedDelivery(payload.Id, payload.Kind, stored.Payload.Version, payload.Envelope.AgentId, payload.Envelope.EventTimestamp,
            payload.Fetched);
        // Not cancelled with the request: the payload is stored, so its forwards are recorded even if the sender has gone.
        var forwards = await outbox.RecordDeliveryAsync(delivery, () => settings.RetrySchedule.WaitBefore(0) ?? TimeSpan.Zero, CancellationToken.None);
        if (forwards.Count > 0)
        {
            dispatcher.Wake();
        }
    }
}
