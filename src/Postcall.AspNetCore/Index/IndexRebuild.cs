using Postcall.Storage;

namespace Postcall.Index;

/// <summary>Brings an index in line with the store: the repair for anything the index missed or lost.</summary>
internal static class IndexRebuild
{
    private const int BatchSize = 256;

    /// <param name="everything">Re-read every conversation; otherwise only those whose payloads' sizes or versions changed.</param>
    public static async Task<RebuildReport> RunAsync(IRebuildTarget index, IPayloadStore store, bool everything, CancellationToken cancellationToken)
    {
        var indexed = await index.StampsAsync(cancellationToken);
        var stale = new List<string>();
        var unreadable = new List<string>();
        int conversations = 0, refreshed = 0;

        async Task FlushAsync()
        {
            unreadable.AddRange(await index.RefreshAsync(stale, cancellationToken));
            refreshed += stale.Count;
            stale.Clear();
        }

        await foreach (var conversation in store.ConversationsAsync(cancellationToken))
        {
            conversations++;
            var known = indexed.Remove(conversation.Id.Value, out var stamp);
            if (everything || !known || stamp != ConversationReader.Stamp(conversation.Payloads))
            {
                stale.Add(conversation.Id.Value);
            }

            if (stale.Count >= BatchSize)
            {
                await FlushAsync();
            }
        }

        await FlushAsync();
        // What is left was indexed but has no payloads any more: re-reading finds nothing and removes it.
        var gone = indexed.Keys.ToList();
        await index.RefreshAsync(gone, cancellationToken);
        return new RebuildReport(conversations, refreshed - unreadable.Count, gone.Count, unreadable);
    }

    /// <summary>The facts for one conversation id as an index stores it; null when it has no payloads (or is no id).</summary>
    public static Task<ConversationFacts?> ReadAsync(IPayloadStore store, string conversationId, CancellationToken cancellationToken) =>
        ConversationId.TryParse(conversationId, out var id) ? ConversationReader.ReadAsync(store, id, cancellationToken) : Task.FromResult<ConversationFacts?>(null);
}
