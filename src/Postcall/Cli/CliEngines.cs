using Postcall.Hosting;
using Postcall.Index;
using Postcall.Index.Sqlite;
using Postcall.Postgres;
using Postcall.Storage;
using Postcall.Storage.Files;
using Postcall.Storage.S3;

namespace Postcall.Cli;

/// <summary>The store and index the service would use with these settings, for commands that work on them directly.</summary>
internal static class CliEngines
{
    public static PostcallSettings Settings(CliEnvironment environment)
    {
        try
        {
            return PostcallSettings.Load(environment.Get, [new S3StorageEngine(), new PostgresEngine()]);
        }
        catch (SettingsException e)
        {
            throw new CliException(e.Message);
        }
    }

    public static IPayloadStore Store(CliEnvironment environment, PostcallSettings settings) => settings.StorageUrl is null
        ? new FilePayloadStore(settings.PayloadPath)
        : S3StorageEngine.Create(settings, environment.Get);

    /// <summary>Runs a rebuild of the configured index from <paramref name="store"/>: PostgreSQL's under its lease, or the SQLite file's.</summary>
    public static async Task<(RebuildReport Report, string Location, string? Replaced)> RebuildAsync(PostcallSettings settings, IPayloadStore store,
        CancellationToken cancellationToken)
    {
        if (settings.DatabaseUrl is not null)
        {
            await using var postgres = PostgresEngine.Database(settings);
            var index = PostgresEngine.Index(postgres, store);
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
