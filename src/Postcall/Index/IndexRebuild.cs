using Postcall.Storage;

namespace Postcall.Index;

/// <summary>Brings the index in line with the payload files: the repair for anything the index missed or lost.</summary>
public static class IndexRebuild
{
    private const int BatchSize = 256;

    public sealed record Report(int Folders, int Refreshed, int Removed, IReadOnlyList<string> Unreadable);

    /// <param name="everything">Re-read every conversation; otherwise only those whose files' sizes or times changed.</param>
    public static Report Run(ConversationIndex index, PayloadStore store, bool everything, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(store);
        var indexed = index.Stamps();
        var stale = new List<string>();
        var unreadable = new List<string>();
        int folders = 0, refreshed = 0;

        void Flush()
        {
            unreadable.AddRange(index.Refresh(stale, id => Read(store, id)));
            refreshed += stale.Count;
            stale.Clear();
        }

        foreach (var id in store.Conversations())
        {
            cancellationToken.ThrowIfCancellationRequested();
            folders++;
            var known = indexed.Remove(id.Value, out var stamp);
            if (everything || !known || stamp != ConversationReader.Stamp(store, id))
            {
                stale.Add(id.Value);
            }

            if (stale.Count >= BatchSize)
            {
                Flush();
            }
        }

        Flush();
        // What is left was indexed but has no folder any more.
        index.Refresh(indexed.Keys, _ => null);
        return new Report(folders, refreshed - unreadable.Count, indexed.Count, unreadable);
    }

    /// <summary>The facts for one conversation id as the index stores it; null when it has no files.</summary>
    public static ConversationFacts? Read(PayloadStore store, string conversationId) =>
        ConversationId.TryParse(conversationId, out var id) ? ConversationReader.Read(store, id) : null;
}
