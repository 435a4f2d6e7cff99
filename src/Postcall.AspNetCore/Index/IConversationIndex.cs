using Postcall.Storage;

namespace Postcall.Index;

/// <summary>
/// The index of stored conversations: filters, full-text search, pages. Two implementations: SQLite beside the files,
/// a cache rebuilt from the store whenever in doubt (<see cref="Sqlite.SqliteConversationIndex"/>); and PostgreSQL,
/// shared by every instance and written as part of each commit (<c>PostgresConversationIndex</c> (Postcall.PostgreSql)).
/// Every failure is an <see cref="IndexUnavailableException"/>; no SQL or driver type crosses this seam.
/// </summary>
internal interface IConversationIndex
{
    /// <summary>
    /// True when a delivery is not stored until the index has recorded it (PostgreSQL, shared by instances); false
    /// when the index is a cache of the store that a delivery does not wait for (SQLite; its reads wait instead).
    /// </summary>
    bool IsPartOfCommit { get; }

    /// <summary>Where the index is, as a person would name it (a file, or a database without its password).</summary>
    string Location { get; }

    /// <summary>Completes once the index has been opened or has failed to open at start-up; lists wait for it.</summary>
    Task WhenOpenedAsync(CancellationToken cancellationToken);

    /// <summary>After a commit: takes the payload into the index. Throws only when <see cref="IsPartOfCommit"/>.</summary>
    Task RecordAsync(ConversationId id, PayloadRecord stored, CancellationToken cancellationToken);

    /// <summary>After the store removed a conversation: removes it from the index.</summary>
    Task RemoveAsync(ConversationId id, CancellationToken cancellationToken);

    Task<ConversationPage> ListAsync(ConversationQuery query, CancellationToken cancellationToken);

    /// <summary>The conversation as indexed, or null when it is not.</summary>
    Task<ConversationFacts?> FindAsync(ConversationId id, CancellationToken cancellationToken);

    /// <summary>Conversations that started before <paramref name="cutoff"/> (unix seconds), oldest first.</summary>
    Task<IReadOnlyList<ConversationId>> StartedBeforeAsync(long cutoff, int limit, CancellationToken cancellationToken);

    /// <summary>How many conversations are indexed: for readiness.</summary>
    Task<long> CountAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Makes the index match the store: re-reads every conversation whose payloads changed (or all of them), drops
    /// those that are gone. The start-up catch-up and <c>postcall reindex</c>.
    /// </summary>
    Task<RebuildReport> RebuildAsync(bool everything, CancellationToken cancellationToken);
}
