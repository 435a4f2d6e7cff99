using Postcall.Storage;

namespace Postcall.Index;

/// <summary>How readers ask the index, the read API and <see cref="Calls.ICallArchive"/> alike.</summary>
internal static class IndexReads
{
    private static readonly TimeSpan OpenWait = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Waits a little for the index to have opened: right after start-up that takes milliseconds. Past the wait the
    /// reader asks anyway and gets the index's own answer (an <see cref="IndexUnavailableException"/> when it is down).
    /// </summary>
    public static async Task WaitOpenedAsync(this IConversationIndex index, CancellationToken cancellationToken)
    {
        try
        {
            await index.WhenOpenedAsync(cancellationToken).WaitAsync(OpenWait, cancellationToken);
        }
        catch (TimeoutException)
        {
        }
    }

    /// <summary>
    /// The conversation as indexed, or else as its payloads say: the index answers quickly, and a conversation it has
    /// not taken yet (or an index in trouble) means its payloads. Null when it is stored nowhere.
    /// </summary>
    public static async Task<ConversationFacts?> FactsAsync(this IConversationIndex index, IPayloadStore store, ConversationId id, CancellationToken cancellationToken)
    {
        try
        {
            if (await index.FindAsync(id, cancellationToken) is { } indexed)
            {
                return indexed;
            }
        }
        catch (IndexUnavailableException)
        {
        }

        return await ConversationReader.ReadAsync(store, id, cancellationToken);
    }
}
