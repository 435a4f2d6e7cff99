using Microsoft.Extensions.Logging.Abstractions;
using Postcall.Hosting;
using Postcall.Index;
using Postcall.Index.Postgres;
using Postcall.Index.Sqlite;
using Postcall.Postgres;
using Postcall.Storage;

namespace Postcall.Cli;

/// <summary>The store and index the service would use with these settings, for commands that work on them directly.</summary>
internal static class CliEngines
{
    public static PostcallSettings Settings(CliEnvironment environment)
    {
        try
        {
            return PostcallSettings.Load(environment.Get);
        }
        catch (SettingsException e)
        {
            throw new CliException(e.Message);
        }
    }

    public static IPayloadStore Store(CliEnvironment environment, PostcallSettings settings) => StorageServices.Create(settings, environment.Get);

    /// <summary>Runs a rebuild of the configured index from <paramref name="store"/>: PostgreSQL's under its lease, or the SQLite file's.</summary>
    public static async Task<(RebuildReport Report, string Location, string? Replaced)> RebuildAsync(PostcallSettings settings, IPayloadStore store,
        CancellationToken cancellationToken)
    {
        if (settings.DatabaseUrl is { } database)
        {
            await using var postgres = new PostgresDatabase(database);
            var index = new PostgresConversationIndex(postgres, store, new PostgresJobLeases(postgres), NullLogger<PostgresConversationIndex>.Instance);
            try
            {
                return (await index.RebuildAsync(everything: true, cancellationToken), index.Location, null);
            }
            catch (IndexUnavailableException e)
            {
                throw new CliException(e.Message);
            }
        }

        var file = new SqliteIndexFile(SqliteIndexFile.PathUnder(settings.PayloadPath));
        var (opening, reason) = file.Open();
        try
        {
            return (await IndexRebuild.RunAsync(file.RebuildFrom(store), store, everything: true, cancellationToken), file.Path,
                opening == IndexOpening.Rebuilt ? reason : null);
        }
        finally
        {
            file.Close();
        }
    }
}
