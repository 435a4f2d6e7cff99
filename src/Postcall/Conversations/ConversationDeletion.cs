using Postcall.Index;
using Postcall.Storage;

namespace Postcall.Conversations;

/// <summary>Removes a conversation everywhere: its folder (durably) and then its index rows.</summary>
public sealed class ConversationDeletion(PayloadStore store, ConversationIndexer indexer)
{
    /// <summary>How many payload files were removed; null when there was nothing to remove.</summary>
    public async Task<int?> DeleteAsync(ConversationId id)
    {
        var indexed = indexer.Find(id) is not null;
        var files = await store.DeleteConversationAsync(id);
        await indexer.RefreshAsync(id);
        return files > 0 || indexed ? files : null;
    }
}
