using Postcall.Index;
using Postcall.Storage;

namespace Postcall.Conversations;

/// <summary>Removes a conversation everywhere: its payloads (durably), then its index entry.</summary>
public sealed class ConversationDeletion(IPayloadStore store, IConversationIndex index)
{
    /// <summary>How many payloads were removed; null when there was nothing to remove.</summary>
    public async Task<int?> DeleteAsync(ConversationId id, CancellationToken cancellationToken = default)
    {
        var indexed = await IsIndexedAsync(id, cancellationToken);
        var payloads = await store.DeleteConversationAsync(id, cancellationToken);
        await index.RemoveAsync(id, cancellationToken);
        return payloads > 0 || indexed ? payloads : null;
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
