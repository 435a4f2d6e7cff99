using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Postcall.Storage;

namespace Postcall.Forwarding;

/// <summary>
/// The outbox in SQL that SQLite and PostgreSQL both speak: the same tables, times in Unix milliseconds, booleans as
/// 0/1. Each engine opens connections and transactions its own way and claims work its own way
/// (<see cref="ClaimSuffix"/>); nothing here is seen outside the two implementations.
/// </summary>
internal abstract partial class SqlForwardOutbox(TimeProvider time) : IForwardOutbox, Reconciling.ISweepLedger
{
    private const string DestinationColumns =
        "id, url, kinds, agent_ids, enabled, secret, headers, timeout_ms, concurrency, audio_as_link, source, created_at";

    private const string ForwardColumns =
        "id, destination_id, conversation_id, kind, agent_id, event_timestamp, status, attempts, step, created_at, due_at, delivered_at, last_status_code, last_error, replay, fetched";

    private const string AttemptColumns = "number, started_at, duration_ms, status_code, response, error, succeeded";

    public abstract string Location { get; }

    /// <summary>Follows the due forwards' <c>SELECT … LIMIT @limit</c> in a claim: row locks that skip what another holds.</summary>
    protected abstract string ClaimSuffix { get; }

    public abstract Task InitializeAsync(CancellationToken cancellationToken);

    public abstract ValueTask DisposeAsync();

    /// <summary>Runs <paramref name="work"/> in one transaction, committed when it returns; engine failures become <see cref="OutboxUnavailableException"/>.</summary>
    protected abstract Task<T> RunAsync<T>(string operation, Func<DbConnection, DbTransaction, Task<T>> work, CancellationToken cancellationToken);

    protected long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    public Task<byte[]> SecretAsync(string name, Func<byte[]> create, CancellationToken cancellationToken) =>
        RunAsync("secret", async (connection, transaction) =>
        {
            await ExecuteAsync(connection, transaction, "INSERT INTO postcall_secrets (name, value) VALUES (@name, @value) ON CONFLICT (name) DO NOTHING;",
                cancellationToken, ("name", name), ("value", create()));
            await using var command = Command(connection, transaction, "SELECT value FROM postcall_secrets WHERE name = @name;", ("name", name));
            return (byte[])(await command.ExecuteScalarAsync(cancellationToken))!;
        }, cancellationToken);

    public Task<IReadOnlyList<Destination>> DestinationsAsync(CancellationToken cancellationToken) =>
        RunAsync("destinations", (connection, transaction) => ReadDestinationsAsync(connection, transaction, cancellationToken), cancellationToken);

    public Task<Destination?> DestinationAsync(string id, CancellationToken cancellationToken) =>
        RunAsync("destination", async (connection, transaction) =>
        {
            var found = await ReadAsync(connection, transaction, $"SELECT {DestinationColumns} FROM postcall_destinations WHERE id = @id;",
                ReadDestination, cancellationToken, ("id", id));
            return found.Count == 0 ? null : found[0];
        }, cancellationToken);

    public Task SaveDestinationAsync(Destination destination, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        return RunAsync("save_destination", (connection, transaction) => ExecuteAsync(connection, transaction, $"""
            INSERT INTO postcall_destinations ({DestinationColumns})
            VALUES (@id, @url, @kinds, @agent_ids, @enabled, @secret, @headers, @timeout_ms, @concurrency, @audio_as_link, @source, @created_at)
            ON CONFLICT (id) DO UPDATE SET url = excluded.url, kinds = excluded.kinds, agent_ids = excluded.agent_ids,
                enabled = excluded.enabled, secret = excluded.secret, headers = excluded.headers, timeout_ms = excluded.timeout_ms,
                concurrency = excluded.concurrency, audio_as_link = excluded.audio_as_link, source = excluded.source;
            """, cancellationToken,
            ("id", destination.Id), ("url", destination.Url.AbsoluteUri), ("kinds", string.Join(',', destination.Kinds)),
            ("agent_ids", string.Join(',', destination.AgentIds)), ("enabled", destination.Enabled ? 1 : 0), ("secret", destination.Secret),
            ("headers", JsonSerializer.Serialize(destination.Headers)), ("timeout_ms", (long)destination.Timeout.TotalMilliseconds),
            ("concurrency", destination.Concurrency), ("audio_as_link", destination.AudioAsLink ? 1 : 0),
            ("source", SourceName(destination.Source)), ("created_at", destination.CreatedAt.ToUnixTimeMilliseconds())), cancellationToken);
    }

    public Task<bool> DeleteDestinationAsync(string id, CancellationToken cancellationToken) =>
        RunAsync("delete_destination", async (connection, transaction) =>
        {
            await ExecuteAsync(connection, transaction, "DELETE FROM postcall_attempts WHERE destination_id = @id;", cancellationToken, ("id", id));
            await ExecuteAsync(connection, transaction, "DELETE FROM postcall_forwards WHERE destination_id = @id;", cancellationToken, ("id", id));
            return await ExecuteAsync(connection, transaction, "DELETE FROM postcall_destinations WHERE id = @id;", cancellationToken, ("id", id)) > 0;
        }, cancellationToken);

    public Task<IReadOnlyList<Forward>> RecordDeliveryAsync(AcceptedDelivery delivery, Func<TimeSpan> firstWait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        ArgumentNullException.ThrowIfNull(firstWait);
        return RunAsync("record_delivery", async (connection, transaction) =>
        {
            var accepting = await AcceptingAsync(connection, transaction, delivery, cancellationToken);
            if (accepting.Count == 0 && delivery.Kind != PayloadKind.Audio && !delivery.Fetched)
            {
                return [];
            }

            // ElevenLabs' own delivery of a payload that was fetched from its API before: it replaces the fetched copy
            // (and the mark that it was fetched), and is not forwarded again: the destinations have had this call.
            if (!delivery.Fetched && await ExecuteAsync(connection, transaction, """
                UPDATE postcall_deliveries SET version = @version, agent_id = @agent_id, event_timestamp = @event_timestamp, recorded_at = @now, fetched = 0
                WHERE conversation_id = @id AND kind = @kind AND fetched = 1;
                """, cancellationToken, ("id", delivery.Id.Value), ("kind", delivery.Kind.Name), ("version", delivery.Version),
                ("agent_id", delivery.AgentId), ("event_timestamp", delivery.EventTimestamp), ("now", Now)) > 0)
            {
                return [];
            }

            // The delivery's row is what makes forwards once per version of a payload. Whoever writes this version
            // into it first records the forwards; anyone else with the same version (ElevenLabs' retry of a delivery
            // already recorded, even one whose recording is still in the same batch) finds it there and records
            // nothing. On PostgreSQL a second transaction writing the same row waits for the first to commit.
            await using var claim = Command(connection, transaction, """
                INSERT INTO postcall_deliveries (conversation_id, kind, version, agent_id, event_timestamp, recorded_at, fetched)
                VALUES (@id, @kind, @version, @agent_id, @event_timestamp, @now, @fetched)
                ON CONFLICT (conversation_id, kind) DO UPDATE SET version = excluded.version, agent_id = excluded.agent_id,
                    event_timestamp = excluded.event_timestamp, recorded_at = excluded.recorded_at
                WHERE postcall_deliveries.version <> excluded.version AND excluded.fetched = 0
                RETURNING version;
                """, ("id", delivery.Id.Value), ("kind", delivery.Kind.Name), ("version", delivery.Version),
                ("agent_id", delivery.AgentId), ("event_timestamp", delivery.EventTimestamp), ("now", Now), ("fetched", delivery.Fetched ? 1 : 0));
            if (await claim.ExecuteScalarAsync(cancellationToken) is null)
            {
                return [];
            }

            return await InsertForwardsAsync(connection, transaction, delivery, accepting, firstWait, replay: false, cancellationToken);
        }, cancellationToken);
    }

    public Task<AcceptedDelivery?> DeliveryAsync(ConversationId id, PayloadKind kind, CancellationToken cancellationToken) =>
        RunAsync("delivery", async (connection, transaction) =>
        {
            var found = await ReadAsync(connection, transaction,
                "SELECT version, agent_id, event_timestamp, fetched FROM postcall_deliveries WHERE conversation_id = @id AND kind = @kind;",
                r => new AcceptedDelivery(id, kind, r.GetString(0), NullableString(r, 1), NullableLong(r, 2),
                    Convert.ToInt32(r.GetValue(3), CultureInfo.InvariantCulture) != 0),
                cancellationToken, ("id", id.Value), ("kind", kind.Name));
            return found.Count == 0 ? null : found[0];
        }, cancellationToken);

    public Task<IReadOnlyList<Forward>> ForwardAgainAsync(AcceptedDelivery delivery, string? destinationId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        return RunAsync("forward_again", async (connection, transaction) =>
        {
            var accepting = (await AcceptingAsync(connection, transaction, delivery, cancellationToken))
                .Where(d => destinationId is null || d.Id == destinationId).ToList();
            return await InsertForwardsAsync(connection, transaction, delivery, accepting, () => TimeSpan.Zero, replay: true, cancellationToken);
        }, cancellationToken);
    }

    private async Task<IReadOnlyList<Forward>> InsertForwardsAsync(DbConnection connection, DbTransaction transaction, AcceptedDelivery delivery,
        IReadOnlyList<Destination> destinations, Func<TimeSpan> firstWait, bool replay, CancellationToken cancellationToken)
    {
        var forwards = new List<Forward>();
        var now = time.GetUtcNow();
        foreach (var destination in destinations)
        {
            var forward = new Forward(NewForwardId(), destination.Id, delivery.Id, delivery.Kind, delivery.AgentId, delivery.EventTimestamp,
                ForwardStatus.Pending, 0, 0, now, now + firstWait(), null, null, null, replay, delivery.Fetched);
            await ExecuteAsync(connection, transaction, $"""
                INSERT INTO postcall_forwards ({ForwardColumns})
                VALUES (@id, @destination_id, @conversation_id, @kind, @agent_id, @event_timestamp, 'pending', 0, 0, @created_at, @due_at, NULL, NULL, NULL, @replay, @fetched);
                """, cancellationToken, ("id", forward.Id), ("destination_id", forward.DestinationId), ("conversation_id", forward.ConversationId.Value),
                ("kind", forward.Kind.Name), ("agent_id", forward.AgentId), ("event_timestamp", forward.EventTimestamp),
                ("created_at", now.ToUnixTimeMilliseconds()), ("due_at", forward.DueAt!.Value.ToUnixTimeMilliseconds()), ("replay", replay ? 1 : 0), ("fetched", delivery.Fetched ? 1 : 0));
            forwards.Add(forward);
        }

        return forwards;
    }

    public Task<IReadOnlyList<Forward>> ClaimAsync(string destinationId, int limit, string holder, DateTimeOffset until, CancellationToken cancellationToken) =>
        RunAsync("claim", (connection, transaction) => ReadAsync(connection, transaction, $"""
            UPDATE postcall_forwards SET claimed_by = @holder, claimed_until = @until
            WHERE id IN (
                SELECT id FROM postcall_forwards
                WHERE destination_id = @destination AND status = 'pending' AND due_at <= @now AND (claimed_until IS NULL OR claimed_until < @now)
                ORDER BY due_at LIMIT @limit {ClaimSuffix})
            RETURNING {ForwardColumns};
            """, ReadForward, cancellationToken, ("holder", holder), ("until", until.ToUnixTimeMilliseconds()), ("destination", destinationId),
            ("now", Now), ("limit", limit)), cancellationToken);

    public Task ReleaseAsync(string forwardId, string holder, CancellationToken cancellationToken) =>
        RunAsync("release", (connection, transaction) => ExecuteAsync(connection, transaction,
            "UPDATE postcall_forwards SET claimed_by = NULL, claimed_until = NULL WHERE id = @id AND claimed_by = @holder;",
            cancellationToken, ("id", forwardId), ("holder", holder)), cancellationToken);

    public Task CompleteAttemptAsync(Forward forward, string holder, ForwardAttempt attempt, DateTimeOffset? nextDue, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(forward);
        ArgumentNullException.ThrowIfNull(attempt);
        return RunAsync("complete_attempt", async (connection, transaction) =>
        {
            await ExecuteAsync(connection, transaction, $"""
                INSERT INTO postcall_attempts (forward_id, destination_id, {AttemptColumns})
                SELECT @forward_id, @destination_id, @number, @started_at, @duration_ms, CAST(@status_code AS integer), CAST(@response AS text),
                    CAST(@error AS text), @succeeded
                WHERE EXISTS (SELECT 1 FROM postcall_forwards WHERE id = @forward_id)
                ON CONFLICT (forward_id, number) DO NOTHING;
                """, cancellationToken, ("forward_id", forward.Id), ("destination_id", forward.DestinationId), ("number", attempt.Number),
                ("started_at", attempt.StartedAt.ToUnixTimeMilliseconds()), ("duration_ms", (long)attempt.Duration.TotalMilliseconds),
                ("status_code", attempt.StatusCode), ("response", attempt.Response), ("error", attempt.Error), ("succeeded", attempt.Succeeded ? 1 : 0));
            var status = attempt.Succeeded ? "delivered" : nextDue is null ? "dead" : "pending";
            return await ExecuteAsync(connection, transaction, """
                UPDATE postcall_forwards SET status = @status, attempts = attempts + 1, step = step + 1, due_at = @due_at,
                    delivered_at = @delivered_at, last_status_code = @status_code, last_error = @error, claimed_by = NULL, claimed_until = NULL
                WHERE id = @id AND claimed_by = @holder;
                """, cancellationToken, ("status", status), ("due_at", nextDue?.ToUnixTimeMilliseconds()),
                ("delivered_at", attempt.Succeeded ? Now : null), ("status_code", attempt.StatusCode), ("error", attempt.Error),
                ("id", forward.Id), ("holder", holder));
        }, cancellationToken);
    }

    public Task<Forward?> ForwardAsync(string id, CancellationToken cancellationToken) =>
        RunAsync("forward", async (connection, transaction) =>
        {
            var found = await ReadAsync(connection, transaction, $"SELECT {ForwardColumns} FROM postcall_forwards WHERE id = @id;",
                ReadForward, cancellationToken, ("id", id));
            return found.Count == 0 ? null : found[0];
        }, cancellationToken);

    public Task<IReadOnlyList<ForwardAttempt>> AttemptsAsync(string forwardId, CancellationToken cancellationToken) =>
        RunAsync("attempts", (connection, transaction) => ReadAsync(connection, transaction,
            $"SELECT {AttemptColumns} FROM postcall_attempts WHERE forward_id = @id ORDER BY number;", ReadAttempt, cancellationToken, ("id", forwardId)),
            cancellationToken);

    public Task<IReadOnlyList<Forward>> ListForwardsAsync(ForwardFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var conditions = new List<string>();
        var parameters = new List<(string, object?)> { ("limit", Math.Clamp(filter.Limit, 1, 1000)) };
        if (filter.Status is { } status)
        {
            conditions.Add("status = @status");
            parameters.Add(("status", ForwardStatuses.Name(status)));
        }

        if (filter.DestinationId is { } destination)
        {
            conditions.Add("destination_id = @destination");
            parameters.Add(("destination", destination));
        }

        if (filter.ConversationId is { } conversation)
        {
            conditions.Add("conversation_id = @conversation");
            parameters.Add(("conversation", conversation.Value));
        }

        var where = conditions.Count == 0 ? string.Empty : "WHERE " + string.Join(" AND ", conditions);
        return RunAsync("list_forwards", (connection, transaction) => ReadAsync(connection, transaction,
            $"SELECT {ForwardColumns} FROM postcall_forwards {where} ORDER BY created_at DESC, id DESC LIMIT @limit;",
            ReadForward, cancellationToken, [.. parameters]), cancellationToken);
    }

    public Task<IReadOnlyList<DestinationHealth>> HealthAsync(CancellationToken cancellationToken) =>
        RunAsync("health", (connection, transaction) => ReadAsync(connection, transaction, """
            SELECT d.id,
                (SELECT count(*) FROM postcall_forwards f WHERE f.destination_id = d.id AND f.status = 'pending'),
                (SELECT count(*) FROM postcall_forwards f WHERE f.destination_id = d.id AND f.status = 'dead'),
                (SELECT min(f.created_at) FROM postcall_forwards f WHERE f.destination_id = d.id AND f.status = 'pending'),
                (SELECT max(a.started_at) FROM postcall_attempts a WHERE a.destination_id = d.id AND a.succeeded = 1),
                (SELECT min(a.started_at) FROM postcall_attempts a WHERE a.destination_id = d.id AND a.succeeded = 0
                    AND a.started_at > coalesce((SELECT max(s.started_at) FROM postcall_attempts s WHERE s.destination_id = d.id AND s.succeeded = 1), 0))
            FROM postcall_destinations d ORDER BY d.id;
            """, r => new DestinationHealth(r.GetString(0), Convert.ToInt32(r.GetValue(1), CultureInfo.InvariantCulture),
                Convert.ToInt32(r.GetValue(2), CultureInfo.InvariantCulture), Time(r, 3), Time(r, 4), Time(r, 5)), cancellationToken),
            cancellationToken);

    public Task<Forward?> RetryAsync(string forwardId, CancellationToken cancellationToken) =>
        RunAsync("retry", async (connection, transaction) =>
        {
            var found = await ReadAsync(connection, transaction, $"""
                UPDATE postcall_forwards SET status = 'pending', step = 0, due_at = @now, delivered_at = NULL, replay = 1
                WHERE id = @id RETURNING {ForwardColumns};
                """, ReadForward, cancellationToken, ("id", forwardId), ("now", Now));
            return found.Count == 0 ? null : found[0];
        }, cancellationToken);

    public Task<int> RetryDeadAsync(string destinationId, CancellationToken cancellationToken) =>
        RunAsync("retry_dead", (connection, transaction) => ExecuteAsync(connection, transaction,
            "UPDATE postcall_forwards SET status = 'pending', step = 0, due_at = @now, replay = 1 WHERE destination_id = @destination AND status = 'dead';",
            cancellationToken, ("destination", destinationId), ("now", Now)), cancellationToken);

    public Task<int> DeleteConversationAsync(ConversationId id, CancellationToken cancellationToken) =>
        RunAsync("delete_conversation", async (connection, transaction) =>
        {
            await ExecuteAsync(connection, transaction,
                "DELETE FROM postcall_attempts WHERE forward_id IN (SELECT id FROM postcall_forwards WHERE conversation_id = @id);",
                cancellationToken, ("id", id.Value));
            await ExecuteAsync(connection, transaction, "DELETE FROM postcall_deliveries WHERE conversation_id = @id;", cancellationToken, ("id", id.Value));
            return await ExecuteAsync(connection, transaction, "DELETE FROM postcall_forwards WHERE conversation_id = @id;", cancellationToken, ("id", id.Value));
        }, cancellationToken);

    private static async Task<IReadOnlyList<Destination>> AcceptingAsync(DbConnection connection, DbTransaction transaction, AcceptedDelivery delivery,
        CancellationToken cancellationToken) =>
        [.. (await ReadDestinationsAsync(connection, transaction, cancellationToken)).Where(d => d.Accepts(delivery.Kind, delivery.AgentId))];

    /// <summary>Time-ordered, so ids sort roughly as forwards were made.</summary>
    private static string NewForwardId() => "fwd_" + Guid.CreateVersion7().ToString("N");

    private static Task<IReadOnlyList<Destination>> ReadDestinationsAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        ReadAsync(connection, transaction, $"SELECT {DestinationColumns} FROM postcall_destinations ORDER BY created_at, id;", ReadDestination, cancellationToken);

    private static Destination ReadDestination(DbDataReader r) => new()
    {
        Id = r.GetString(0),
        Url = new Uri(r.GetString(1)),
        Kinds = SplitList(r.GetString(2)),
        AgentIds = SplitList(r.GetString(3)),
        Enabled = Convert.ToInt32(r.GetValue(4), CultureInfo.InvariantCulture) != 0,
        Secret = r.GetString(5),
        Headers = JsonSerializer.Deserialize<Dictionary<string, string>>(r.GetString(6)) ?? [],
        Timeout = TimeSpan.FromMilliseconds(Convert.ToInt64(r.GetValue(7), CultureInfo.InvariantCulture)),
        Concurrency = Convert.ToInt32(r.GetValue(8), CultureInfo.InvariantCulture),
        AudioAsLink = Convert.ToInt32(r.GetValue(9), CultureInfo.InvariantCulture) != 0,
        Source = r.GetString(10) switch
        {
            "environment" => DestinationSource.Environment,
            "removed_from_environment" => DestinationSource.RemovedFromEnvironment,
            "handler" => DestinationSource.Handler,
            _ => DestinationSource.Api,
        },
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(r.GetValue(11), CultureInfo.InvariantCulture)),
    };

    private static Forward ReadForward(DbDataReader r) => new(
        r.GetString(0),
        r.GetString(1),
        ConversationId.Parse(r.GetString(2)),
        PayloadKind.TryParse(r.GetString(3), out var kind) ? kind : throw new InvalidDataException($"Unknown payload kind in the outbox: {r.GetString(3)}"),
        NullableString(r, 4),
        NullableLong(r, 5),
        ForwardStatuses.TryParse(r.GetString(6), out var status) ? status : ForwardStatus.Pending,
        Convert.ToInt32(r.GetValue(7), CultureInfo.InvariantCulture),
        Convert.ToInt32(r.GetValue(8), CultureInfo.InvariantCulture),
        DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(r.GetValue(9), CultureInfo.InvariantCulture)),
        Time(r, 10),
        Time(r, 11),
        NullableLong(r, 12) is { } code ? (int)code : null,
        NullableString(r, 13),
        Convert.ToInt32(r.GetValue(14), CultureInfo.InvariantCulture) != 0,
        Convert.ToInt32(r.GetValue(15), CultureInfo.InvariantCulture) != 0);

    private static ForwardAttempt ReadAttempt(DbDataReader r) => new(
        Convert.ToInt32(r.GetValue(0), CultureInfo.InvariantCulture),
        DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(r.GetValue(1), CultureInfo.InvariantCulture)),
        TimeSpan.FromMilliseconds(Convert.ToInt64(r.GetValue(2), CultureInfo.InvariantCulture)),
        NullableLong(r, 3) is { } code ? (int)code : null,
        NullableString(r, 4),
        NullableString(r, 5),
        Convert.ToInt32(r.GetValue(6), CultureInfo.InvariantCulture) != 0);

    private static string SourceName(DestinationSource source) => source switch
    {
        DestinationSource.Environment => "environment",
        DestinationSource.RemovedFromEnvironment => "removed_from_environment",
        DestinationSource.Handler => "handler",
        _ => "api",
    };

    private static string[] SplitList(string value) => value.Split(',', StringSplitOptions.RemoveEmptyEntries);

    private static string? NullableString(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static long? NullableLong(DbDataReader r, int i) => r.IsDBNull(i) ? null : Convert.ToInt64(r.GetValue(i), CultureInfo.InvariantCulture);

    private static DateTimeOffset? Time(DbDataReader r, int i) => NullableLong(r, i) is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;

    protected static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    protected static async Task<int> ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken,
        params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<IReadOnlyList<T>> ReadAsync<T>(DbConnection connection, DbTransaction transaction, string sql, Func<DbDataReader, T> read,
        CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
