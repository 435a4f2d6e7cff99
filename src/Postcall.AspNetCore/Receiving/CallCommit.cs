using Postcall.Forwarding;
using Postcall.Index;
using Postcall.Storage;

namespace Postcall.Receiving;

/// <summary>
/// What makes a payload count, the same whether ElevenLabs delivered it or it was fetched from its API: the store
/// has it durably, its forwards (and handlers) are recorded, and the index has it, before the caller says it is stored.
/// </summary>
internal sealed class CallCommit(IPayloadStore store, IConversationIndex index, ForwardIntake forwarding)
{
    /// <summary>Throws <see cref="StorageException"/>, <see cref="IndexUnavailableException"/> or <see cref="OutboxUnavailableException"/>: then it does not count.</summary>
    public async Task<StoredPayload> CommitAsync(PreparedPayload payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payload);

        // An index that is part of the commit is given the body's indexed fields; a cache of the store reads them itself.
        var (call, failed) = (default(PayloadFacts.Transcription), default(PayloadFacts.Failure));
        if (index.IsPartOfCommit)
        {
            await using var body = payload.File.OpenRead();
            (call, failed) = await PayloadFacts.ReadAsync(payload.Kind, body, cancellationToken);
        }

        var stored = await store.CommitAsync(payload.File, payload.Id, payload.Kind, cancellationToken);
        await forwarding.RecordAsync(payload, stored);
        // The object is written: record it even if the caller has gone, so it is never left unindexed by choice.
        await index.RecordAsync(payload.Id, new PayloadRecord(stored.Payload, call, failed), CancellationToken.None);
        return stored;
    }
}
