using System.Diagnostics;
using Npgsql;
using Postcall.Observability;

namespace Postcall.Postgres;

/// <summary>
/// The shared PostgreSQL database: one pooled data source, the schema migrations, and the timing and error count of
/// every call. Only the PostgreSQL implementations of the seams use it.
/// </summary>
internal sealed partial class PostgresDatabase : IAsyncDisposable
{
    private readonly NpgsqlDataSource _source;
    private readonly PostcallMetrics? _metrics;
    private readonly SemaphoreSlim _migrating = new(1, 1);
    private volatile bool _migrated;

    public PostgresDatabase(NpgsqlConnectionStringBuilder connection, PostcallMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        Location = PostgresUrl.Describe(connection);
        _source = NpgsqlDataSource.Create(connection);
        _metrics = metrics;
    }

    public string Location { get; }

    /// <summary>Applies the migrations this version has and the database lacks; safe when several instances start at once.</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        if (_migrated)
        {
            return;
        }

        await _migrating.WaitAsync(cancellationToken);
        try
        {
            if (!_migrated)
            {
                await TimedAsync("migrate", async connection =>
                {
                    await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                    await Execute(connection, "SELECT pg_advisory_xact_lock(@lock);", cancellationToken, ("lock", PostgresSchema.MigrationLock));
                    await Execute(connection, """
                        CREATE TABLE IF NOT EXISTS postcall_schema_migrations (
                            version integer PRIMARY KEY,
                            applied_at timestamptz NOT NULL DEFAULT now()
                        );
                        """, cancellationToken);
                    await using (var command = new NpgsqlCommand("SELECT coalesce(max(version), 0) FROM postcall_schema_migrations;", connection))
                    {
                        var applied = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
                        if (applied > PostgresSchema.Migrations.Count)
                        {
                            throw new InvalidOperationException(
                                $"The database's schema is version {applied}, newer than this Postcall knows ({PostgresSchema.Migrations.Count}); run the newer version.");
                        }

                        for (var version = applied + 1; version <= PostgresSchema.Migrations.Count; version++)
                        {
                            await Execute(connection, PostgresSchema.Migrations[version - 1], cancellationToken);
                            await Execute(connection, "INSERT INTO postcall_schema_migrations (version) VALUES (@version);", cancellationToken, ("version", version));
                        }
                    }

                    await transaction.CommitAsync(cancellationToken);
                    return true;
                });
                _migrated = true;
            }
        }
        finally
        {
            _migrating.Release();
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> on a pooled connection once the schema is in place, timing it as
    /// <paramref name="operation"/>. A database that cannot be reached or refuses becomes <see cref="DatabaseUnavailableException"/>.
    /// </summary>
    public async Task<T> RunAsync<T>(string operation, Func<NpgsqlConnection, Task<T>> work)
    {
        await MigrateAsync(CancellationToken.None);
        return await TimedAsync(operation, work);
    }

    private async Task<T> TimedAsync<T>(string operation, Func<NpgsqlConnection, Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        var started = Stopwatch.GetTimestamp();
        var failed = true;
        try
        {
            await using var connection = await _source.OpenConnectionAsync();
            var result = await work(connection);
            failed = false;
            return result;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            throw new DatabaseUnavailableException($"PostgreSQL ({Location}) failed: {e.Message}", e);
        }
        finally
        {
            _metrics?.EngineCall("postgresql", operation, Stopwatch.GetElapsedTime(started), failed);
        }
    }

    public static async Task<int> Execute(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _source.DisposeAsync();
        _migrating.Dispose();
    }
}
