namespace Postcall.Index;

/// <summary>
/// <c>postcall reindex</c>'s part: rebuilds the configured index from every stored payload, in a process that does not
/// serve (the service may be running beside it). SQLite's file is opened, replaced when unusable, and rebuilt in place
/// (<see cref="Sqlite.SqliteFileRebuilder"/>); PostgreSQL's is rebuilt under its lease, one instance at a time.
/// </summary>
internal interface IIndexRebuilder
{
    /// <summary>Throws <see cref="IndexUnavailableException"/> when the index cannot be opened or written.</summary>
    Task<IndexRebuildResult> RebuildEverythingAsync(CancellationToken cancellationToken);
}

/// <param name="Location">The index, as a person would name it.</param>
/// <param name="Replaced">Why the index found was unusable and made anew; null when it was used.</param>
internal sealed record IndexRebuildResult(RebuildReport Report, string Location, string? Replaced);

/// <summary>An index that is written as part of each commit (PostgreSQL) rebuilds itself as the service would.</summary>
internal sealed class SharedIndexRebuilder(IConversationIndex index) : IIndexRebuilder
{
    public async Task<IndexRebuildResult> RebuildEverythingAsync(CancellationToken cancellationToken) =>
        new(await index.RebuildAsync(everything: true, cancellationToken), index.Location, null);
}
