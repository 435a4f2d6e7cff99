using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Postcall.Forwarding;
using Postcall.Storage;

namespace Postcall.Sqlite;

/// <summary>
/// The outbox of one machine: <c>.postcall/outbox.db</c> beside the payloads. WAL with <c>synchronous=FULL</c>, so a
/// commit is on disk before it returns, like a payload. Unlike the index
/// next to it, it is never deleted or recreated: a damaged file stops forwarding and says so, and is restored from a backup.
/// One connection and one writer, which commits what callers queued meanwhile together (<see cref="GroupCommit{TBatch}"/>).
/// </summary>
internal sealed class SqliteForwardOutbox(string path, TimeProvider time) : SqlForwardOutbox(time)
{
    public const string FileName = "outbox.db";

    /// <summary>Numbered migrations; <c>PRAGMA user_version</c> holds how many are applied.</summary>
    private static readonly IReadOnlyList<string> Migrations =
    [
        """
        CREATE TABLE postcall_destinations (
            id TEXT PRIMARY KEY, url TEXT NOT NULL, kinds TEXT NOT NULL, agent_ids TEXT NOT NULL, enabled INTEGER NOT NULL,
            secret TEXT NOT NULL, headers TEXT NOT NULL, timeout_ms INTEGER NOT NULL, concurrency INTEGER NOT NULL,
            audio_as_link INTEGER NOT NULL, source TEXT NOT NULL, created_at INTEGER NOT NULL);
        CREATE TABLE postcall_deliveries (
            conversation_id TEXT NOT NULL, kind TEXT NOT NULL, version TEXT NOT NULL, agent_id TEXT, event_timestamp INTEGER,
            recorded_at INTEGER NOT NULL, PRIMARY KEY (conversation_id, kind));
        CREATE TABLE postcall_forwards (
            id TEXT PRIMARY KEY, destination_id TEXT NOT NULL, conversation_id TEXT NOT NULL, kind TEXT NOT NULL, agent_id TEXT,
            event_timestamp INTEGER, status TEXT NOT NULL, attempts INTEGER NOT NULL, step INTEGER NOT NULL, created_at INTEGER NOT NULL,
            due_at INTEGER, delivered_at INTEGER, last_status_code INTEGER, last_error TEXT, claimed_by TEXT, claimed_until INTEGER);
        CREATE INDEX postcall_forwards_due ON postcall_forwards (destination_id, status, due_at);
        CREATE INDEX postcall_forwards_conversation ON postcall_forwards (conversation_id);
        CREATE INDEX postcall_forwards_newest ON postcall_forwards (created_at DESC);
        CREATE TABLE postcall_attempts (
            forward_id TEXT NOT NULL, destination_id TEXT NOT NULL, number INTEGER NOT NULL, started_at INTEGER NOT NULL,
            duration_ms INTEGER NOT NULL, status_code INTEGER, response TEXT, error TEXT, succeeded INTEGER NOT NULL,
            PRIMARY KEY (forward_id, number));
        CREATE INDEX postcall_attempts_destination ON postcall_attempts (destination_id, started_at);
        CREATE TABLE postcall_secrets (name TEXT PRIMARY KEY, value BLOB NOT NULL);
        """,

        // 2: whether a forward was made or made pending again on request (a replay), as handlers are told.
        """
        ALTER TABLE postcall_forwards ADD COLUMN replay INTEGER NOT NULL DEFAULT 0;
        """,

        // 3: whether a payload was fetched from ElevenLabs' Conversations API rather than delivered (its provenance,
        // kept here and not in the index, so a rebuild keeps it), and so each of its forwards.
        """
        ALTER TABLE postcall_deliveries ADD COLUMN fetched INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE postcall_forwards ADD COLUMN fetched INTEGER NOT NULL DEFAULT 0;
        """,

        // 4: reconciling with ElevenLabs' Conversations API: each sweep and its report, and what the API cannot give.
        """
        CREATE TABLE postcall_sweeps (
            id TEXT PRIMARY KEY, trigger_name TEXT NOT NULL, since_unix INTEGER NOT NULL, until_unix INTEGER NOT NULL, agents TEXT NOT NULL,
            dry_run INTEGER NOT NULL, status TEXT NOT NULL, started_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
            finished_at INTEGER, reach INTEGER, report TEXT NOT NULL);
        CREATE INDEX postcall_sweeps_newest ON postcall_sweeps (started_at DESC);
        CREATE TABLE postcall_unfillable (
            conversation_id TEXT NOT NULL, kind TEXT NOT NULL, reason TEXT NOT NULL, recorded_at INTEGER NOT NULL,
            PRIMARY KEY (conversation_id, kind));
        """,
    ];

    private const int MaxBatch = 256;
    private const int SqliteFull = 13;
    private const int SqliteIoError = 10;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private SqliteConnection? _connection;
    private OutboxWriter? _writer;

    /// <summary>Where the outbox of a service whose local state is under <paramref name="payloadPath"/> lives.</summary>
    public static string PathUnder(string payloadPath) =>
        Path.Combine(Path.GetFullPath(payloadPath), Storage.Files.FilePayloadStore.StateFolderName, FileName);

    public override string Location => path;

    protected override string ClaimSuffix => string.Empty;

    public override async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_connection is not null)
            {
                return;
            }

            try
            {
                _connection = await OpenAsync(cancellationToken);
                _writer = new OutboxWriter(_connection, path);
            }
            catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
            {
                throw new OutboxUnavailableException(
                    $"The outbox {path} cannot be opened: {e.Message}. If it is damaged, restore it from a backup (see docs/operations.md, Forwarding).", e);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var folder = Path.GetDirectoryName(path)!;
        Storage.OwnerOnly.CreateDirectory(folder);
        var created = !File.Exists(path);
        Storage.OwnerOnly.PrepareFile(path);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString());
        try
        {
            await connection.OpenAsync(cancellationToken);
            // A file that is no database fails here; damage found later fails the statement that meets it. No full
            // integrity check: on a large outbox it would cost start-up seconds.
            await ExecuteAsync(connection, null, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;", cancellationToken);

            await using (var version = Command(connection, null, "PRAGMA user_version;"))
            {
                var applied = Convert.ToInt32(await version.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
                if (applied > Migrations.Count)
                {
                    throw new OutboxUnavailableException(
                        $"The outbox {path} is of schema version {applied}, newer than this Postcall knows ({Migrations.Count}); run the newer version.",
                        new InvalidDataException("newer schema"));
                }

                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                for (var step = applied; step < Migrations.Count; step++)
                {
                    await ExecuteAsync(connection, transaction, Migrations[step], cancellationToken);
                }

                await ExecuteAsync(connection, transaction, $"PRAGMA user_version = {Migrations.Count};", cancellationToken);
                // One machine, one process (the payload root is locked): no claim made before now has a living holder.
                await ExecuteAsync(connection, transaction, "UPDATE postcall_forwards SET claimed_by = NULL, claimed_until = NULL WHERE claimed_by IS NOT NULL;",
                    cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }

            if (created)
            {
                Storage.Files.DirectorySync.Flush(folder);
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    protected override async Task<T> RunAsync<T>(string operation, Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        if (_writer is null)
        {
            await InitializeAsync(cancellationToken);
        }

        var connection = _connection!;
        return await _writer!.RunAsync(async transaction =>
        {
            try
            {
                return await work(connection, transaction);
            }
            catch (SqliteException e) when (e.SqliteErrorCode is not (SqliteFull or SqliteIoError))
            {
                throw new OutboxUnavailableException($"The outbox {path} failed ({operation}): {e.Message}", e);
            }
        }, cancellationToken);
    }

    /// <summary>
    /// The outbox's group commit: whatever callers queued while the last batch was being flushed runs now, each in a
    /// savepoint of one transaction, and one commit (one fsync of the WAL) makes them all durable before any of them
    /// is answered. One caller's failure rolls back its own savepoint only; a full disk or an I/O error fails the batch.
    /// </summary>
    private sealed class OutboxWriter(SqliteConnection connection, string path) : GroupCommit<SqliteTransaction>(MaxBatch)
    {
        protected override async Task<SqliteTransaction> BeginAsync() => (SqliteTransaction)await connection.BeginTransactionAsync();

        protected override async Task RunStepAsync(SqliteTransaction batch, Func<SqliteTransaction, Task> work)
        {
            await batch.SaveAsync("item");
            try
            {
                await work(batch);
            }
            catch (Exception e) when (!FailsBatch(e))
            {
                await batch.RollbackAsync("item");
                throw;
            }

            await batch.ReleaseAsync("item");
        }

        protected override Task FlushAsync(SqliteTransaction batch) => batch.CommitAsync();

        protected override ValueTask EndAsync(SqliteTransaction batch) => batch.DisposeAsync();

        protected override bool FailsBatch(Exception exception) => exception is SqliteException { SqliteErrorCode: SqliteFull or SqliteIoError };

        protected override Exception Failure(Exception exception) => exception switch
        {
            SqliteException or InvalidOperationException => new OutboxUnavailableException($"The outbox {path} could not commit: {exception.Message}", exception),
            _ => exception,
        };

        protected override Exception Closed() =>
            new OutboxUnavailableException($"The outbox {path} is closed.", new ObjectDisposedException(nameof(SqliteForwardOutbox)));
    }

    public override async ValueTask DisposeAsync()
    {
        if (_writer is not null)
        {
            await _writer.DisposeAsync();
        }

        await _gate.WaitAsync();
        try
        {
            if (_connection is not null)
            {
                await _connection.DisposeAsync();
                _connection = null;
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}
