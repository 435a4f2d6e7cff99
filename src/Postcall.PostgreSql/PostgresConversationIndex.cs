using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Postcall.Coordination;
using Postcall.Index;
using Postcall.Storage;

namespace Postcall.Postgres;

/// <summary>
/// The shared index in PostgreSQL. A delivery is stored only once its payload row is written here (after the object
/// itself), so every instance lists it at once. A conversation's row is recomputed from its payload rows under an
/// advisory lock on the conversation, so of two writers the later one also read later. At start-up it applies the
/// schema migrations and, under the <c>rebuild</c> lease, catches up with the store.
/// </summary>
internal sealed partial class PostgresConversationIndex(PostgresDatabase database, IPayloadStore store, IJobLeases leases,
    ILogger<PostgresConversationIndex> logger) : BackgroundService, IConversationIndex, IRebuildTarget
{
    public const string RebuildJob = "rebuild";

    private static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(5);
    private static readonly JsonSerializerOptions FactsJson = new(JsonSerializerDefaults.Web);

    private readonly TaskCompletionSource _firstOpen = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsPartOfCommit => true;

    public string Location => database.Location;

    public Task WhenOpenedAsync(CancellationToken cancellationToken) => _firstOpen.Task.WaitAsync(cancellationToken);

    public Task RecordAsync(ConversationId id, PayloadRecord stored, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return Guard("record", async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await LockAsync(connection, id, cancellationToken);
            await UpsertPayloadAsync(connection, id, stored, cancellationToken);
            var records = await PayloadRecordsAsync(connection, id, cancellationToken);
            await WriteConversationAsync(connection, id, records, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return true;
        });
    }

    public Task RemoveAsync(ConversationId id, CancellationToken cancellationToken) => Guard("remove", async connection =>
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await LockAsync(connection, id, cancellationToken);
        await PostgresDatabase.Execute(connection, """
            DELETE FROM postcall_payloads WHERE conversation_id = @id;
            DELETE FROM postcall_conversations WHERE conversation_id = @id;
            """, cancellationToken, ("id", id.Value));
        await transaction.CommitAsync(cancellationToken);
        return true;
    });

    public Task<ConversationFacts?> FindAsync(ConversationId id, CancellationToken cancellationToken) => Guard("find", async connection =>
    {
        await using var command = new NpgsqlCommand($"SELECT {FactsRow.Columns} FROM postcall_conversations c WHERE c.conversation_id = @id;", connection);
        command.Parameters.AddWithValue("id", id.Value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? FactsRow.Read(reader) : null;
    });

    public Task<IReadOnlyList<ConversationId>> StartedBeforeAsync(long cutoff, int limit, CancellationToken cancellationToken) =>
        Guard<IReadOnlyList<ConversationId>>("started_before", async connection =>
        {
            await using var command = new NpgsqlCommand(
                "SELECT conversation_id FROM postcall_conversations WHERE started_at < @cutoff ORDER BY started_at LIMIT @limit;", connection);
            command.Parameters.AddWithValue("cutoff", cutoff);
            command.Parameters.AddWithValue("limit", limit);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var ids = new List<ConversationId>();
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(ConversationId.Parse(reader.GetString(0)));
            }

            return ids;
        });

    public Task<long> CountAsync(CancellationToken cancellationToken) => Guard("count", async connection =>
    {
        await using var command = new NpgsqlCommand("SELECT count(*) FROM postcall_conversations;", connection);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    });

    public Task<ConversationPage> ListAsync(ConversationQuery query, CancellationToken cancellationToken) =>
        Guard("list", connection => PostgresListing.ListAsync(connection, query, cancellationToken));

    /// <summary>Under the <c>rebuild</c> lease: one instance at a time; null when another holds it.</summary>
    public async Task<RebuildReport> RebuildAsync(bool everything, CancellationToken cancellationToken)
    {
        await using var lease = await AcquireAsync(cancellationToken)
            ?? throw new IndexUnavailableException("Another instance is rebuilding the index now; try again when it is done.");
        using var both = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lease.Lost);
        return await IndexRebuild.RunAsync(this, store, everything, both.Token);
    }

    private async Task<JobLease?> AcquireAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await leases.TryAcquireAsync(RebuildJob, cancellationToken);
        }
        catch (DatabaseUnavailableException e)
        {
            throw new IndexUnavailableException(e.Message, e);
        }
    }

    Task<Dictionary<string, string>> IRebuildTarget.StampsAsync(CancellationToken cancellationToken) => Guard("stamps", async connection =>
    {
        await using var command = new NpgsqlCommand("SELECT conversation_id, file_stamp FROM postcall_conversations;", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var stamps = new Dictionary<string, string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            stamps[reader.GetString(0)] = reader.GetString(1);
        }

        return stamps;
    });

    /// <summary>Re-reads each conversation from the store under its lock and replaces its rows.</summary>
    async Task<IReadOnlyList<string>> IRebuildTarget.RefreshAsync(IReadOnlyList<string> conversationIds, CancellationToken cancellationToken)
    {
        var unreadable = new List<string>();
        foreach (var value in conversationIds)
        {
            if (!ConversationId.TryParse(value, out var id))
            {
                await DeleteRowsAsync(value, cancellationToken);
                continue;
            }

            var read = await Guard("rebuild", async connection =>
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await LockAsync(connection, id, cancellationToken);
                IReadOnlyList<PayloadRecord> records;
                try
                {
                    records = await ConversationReader.RecordsAsync(store, id, await store.PayloadsAsync(id, cancellationToken), cancellationToken);
                }
                catch (StorageException)
                {
                    return false;
                }

                await PostgresDatabase.Execute(connection, "DELETE FROM postcall_payloads WHERE conversation_id = @id;", cancellationToken, ("id", id.Value));
                foreach (var record in records)
                {
                    await UpsertPayloadAsync(connection, id, record, cancellationToken);
                }

                await WriteConversationAsync(connection, id, records, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return true;
            });
            if (!read)
            {
                unreadable.Add(value);
            }
        }

        return unreadable;
    }

    private Task<int> DeleteRowsAsync(string value, CancellationToken cancellationToken) => Guard("remove", async connection =>
        await PostgresDatabase.Execute(connection, """
            DELETE FROM postcall_payloads WHERE conversation_id = @id;
            DELETE FROM postcall_conversations WHERE conversation_id = @id;
            """, cancellationToken, ("id", value)));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Deliveries migrate on first use too; this makes readiness and the first list quick, and retries while down.
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await database.MigrateAsync(stoppingToken);
                break;
            }
            catch (DatabaseUnavailableException e)
            {
                _firstOpen.TrySetResult();
                MigrationFailed(logger, database.Location, e.InnerException?.Message ?? e.Message);
                await Task.Delay(RetryEvery, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }

        _firstOpen.TrySetResult();
        if (stoppingToken.IsCancellationRequested)
        {
            return;
        }

        try
        {
            await using var lease = await leases.TryAcquireAsync(RebuildJob, stoppingToken);
            if (lease is null)
            {
                CatchUpElsewhere(logger);
                return;
            }

            using var both = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lease.Lost);
            var report = await IndexRebuild.RunAsync(this, store, everything: false, both.Token);
            CaughtUp(logger, report.Conversations, report.Refreshed, report.Removed);
        }
        catch (OperationCanceledException)
        {
        }
        catch (StorageException e)
        {
            IndexLog.PayloadsUnreadable(logger, store.Location, e.Message);
        }
        catch (Exception e) when (e is IndexUnavailableException or DatabaseUnavailableException)
        {
            CatchUpFailed(logger, e.GetType().Name, e.Message);
        }
    }

    private static Task<int> LockAsync(NpgsqlConnection connection, ConversationId id, CancellationToken cancellationToken) =>
        PostgresDatabase.Execute(connection, "SELECT pg_advisory_xact_lock(hashtextextended('postcall:' || @id, 0));", cancellationToken, ("id", id.Value));

    private static async Task UpsertPayloadAsync(NpgsqlConnection connection, ConversationId id, PayloadRecord record, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO postcall_payloads (conversation_id, kind, bytes, last_modified, version, facts)
            VALUES (@id, @kind, @bytes, @modified, @version, @facts)
            ON CONFLICT (conversation_id, kind) DO UPDATE SET bytes = excluded.bytes, last_modified = excluded.last_modified,
                version = excluded.version, facts = excluded.facts;
            """, connection);
        command.Parameters.AddWithValue("id", id.Value);
        command.Parameters.AddWithValue("kind", record.Payload.Kind.Name);
        command.Parameters.AddWithValue("bytes", record.Payload.Length);
        command.Parameters.AddWithValue("modified", record.Payload.LastModified.UtcDateTime);
        command.Parameters.AddWithValue("version", record.Payload.Version);
        // jsonb refuses \u0000 too.
        var facts = record.Call is { } call ? JsonSerializer.Serialize(call with
            {
                AgentId = PostgresColumns.Text(call.AgentId), Status = PostgresColumns.Text(call.Status), UserId = PostgresColumns.Text(call.UserId),
                CallSuccessful = PostgresColumns.Text(call.CallSuccessful), Summary = PostgresColumns.Text(call.Summary),
                TranscriptText = PostgresColumns.Text(call.TranscriptText),
            }, FactsJson)
            : record.Failed is { } failed ? JsonSerializer.Serialize(failed with
            {
                AgentId = PostgresColumns.Text(failed.AgentId), Reason = PostgresColumns.Text(failed.Reason),
            }, FactsJson) : null;
        command.Parameters.Add(new NpgsqlParameter("facts", NpgsqlDbType.Jsonb) { Value = (object?)facts ?? DBNull.Value });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<List<PayloadRecord>> PayloadRecordsAsync(NpgsqlConnection connection, ConversationId id, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT kind, bytes, last_modified, version, facts FROM postcall_payloads WHERE conversation_id = @id;", connection);
        command.Parameters.AddWithValue("id", id.Value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var records = new List<PayloadRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            if (!PayloadKind.TryParse(reader.GetString(0), out var kind))
            {
                continue;
            }

            var payload = new PayloadObject(kind, reader.GetInt64(1), new DateTimeOffset(reader.GetDateTime(2), TimeSpan.Zero), reader.GetString(3));
            var facts = reader.IsDBNull(4) ? null : reader.GetString(4);
            records.Add(new PayloadRecord(payload,
                kind == PayloadKind.Transcription && facts is not null ? JsonSerializer.Deserialize<PayloadFacts.Transcription>(facts, FactsJson) : null,
                kind == PayloadKind.Failure && facts is not null ? JsonSerializer.Deserialize<PayloadFacts.Failure>(facts, FactsJson) : null));
        }

        return [.. PayloadKind.InOrder(records, r => r.Payload.Kind)];
    }

    private static async Task WriteConversationAsync(NpgsqlConnection connection, ConversationId id, IReadOnlyList<PayloadRecord> records, CancellationToken cancellationToken)
    {
        if (records.Count == 0)
        {
            await PostgresDatabase.Execute(connection, "DELETE FROM postcall_conversations WHERE conversation_id = @id;", cancellationToken, ("id", id.Value));
            return;
        }

        await PostgresColumns.UpsertAsync(connection, ConversationReader.Combine(id, records), cancellationToken);
    }

    private async Task<T> Guard<T>(string operation, Func<NpgsqlConnection, Task<T>> work)
    {
        try
        {
            return await database.RunAsync(operation, work);
        }
        catch (DatabaseUnavailableException e)
        {
            throw new IndexUnavailableException(e.Message, e);
        }
    }

    [LoggerMessage(EventId = 3010, EventName = "DatabaseMigrationFailed", Level = LogLevel.Error,
        Message = "PostgreSQL {Location} is not usable yet (retrying every 5 s; deliveries answer 503 until it is): {Reason}")]
    private static partial void MigrationFailed(ILogger logger, string location, string reason);

    [LoggerMessage(EventId = 3011, EventName = "IndexCaughtUpShared", Level = LogLevel.Information,
        Message = "Shared index up to date with the object store: {Conversations} conversations, {Refreshed} re-read, {Removed} removed")]
    private static partial void CaughtUp(ILogger logger, int conversations, int refreshed, int removed);

    [LoggerMessage(EventId = 3012, EventName = "IndexCatchUpElsewhere", Level = LogLevel.Information,
        Message = "Another instance holds the rebuild lease; it catches the shared index up")]
    private static partial void CatchUpElsewhere(ILogger logger);

    [LoggerMessage(EventId = 3013, EventName = "IndexCatchUpFailed", Level = LogLevel.Warning,
        Message = "Catching the shared index up failed ('postcall reindex' or the next start repairs it): {ErrorType}: {ErrorMessage}")]
    private static partial void CatchUpFailed(ILogger logger, string errorType, string errorMessage);
}
