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
