using Postcall.Forwarding;
using Postcall.Index;
using Postcall.Storage;

namespace Postcall.Conversations;

/// <summary>
/// Removes a conversation everywhere: its forwards with their attempts (no more copies go out, and the answers kept
/// from receivers go too), then its payloads (durably), then its index entry.
/// </summary>
internal sealed class ConversationDeletion(IPayloadStore store, IConversationIndex index, IForwardOutbox outbox)
{
    /// <summary>How many payloads and forwards were removed; null when there was nothing to remove.</summary>
    public async Task<(int Payloads, int Forwards)?> DeleteAsync(ConversationId id, CancellationToken cancellationToken = default)
    {
        var indexed = await IsIndexedAsync(id, cancellationToken);
        var forwards = await outbox.DeleteConversationAsync(id, cancellationToken);
        var payloads = await store.DeleteConversationAsync(id, cancellationToken);
        await index.RemoveAsync(id, cancellationToken);
        return payloads > 0 || indexed || forwards > 0 ? (payloads, forwards) : null;
    }

    private async Task<bool> IsIndexedAsync(ConversationId id, CancellationToken cancellationToken)
    {
        try
        {
            return await index.FindAsync(id, cancellationToken) is not null;
        }
        catch (IndexUnavailableException) when (!index.IsPartOfCommit)
        {
            return false; // a local cache in trouble: the payloads decide
        }
    }
}
