using Microsoft.Data.Sqlite;
using Postcall.Index;
using Postcall.Storage;

namespace Postcall.Sqlite;

/// <summary>
/// Rebuilds the SQLite index file from the store outside the service: opens it (made anew when corrupt or of another
/// version), refreshes every conversation, closes it. Safe while the service runs: SQLite's own locking orders the
/// writes, and the service's reads see the file as each batch commits.
/// </summary>
internal sealed class SqliteFileRebuilder(SqliteIndexFile file, IPayloadStore store) : IIndexRebuilder
{
    public async Task<IndexRebuildResult> RebuildEverythingAsync(CancellationToken cancellationToken)
    {
        try
        {
            var (opening, reason) = file.Open();
            var report = await IndexRebuild.RunAsync(file.RebuildFrom(store), store, everything: true, cancellationToken);
            return new IndexRebuildResult(report, file.Path, opening == IndexOpening.Rebuilt ? reason : null);
        }
        catch (SqliteException e)
        {
            throw new IndexUnavailableException($"The index {file.Path} could not be rebuilt: {e.Message}", e);
        }
        finally
        {
            file.Close();
        }
    }
}
