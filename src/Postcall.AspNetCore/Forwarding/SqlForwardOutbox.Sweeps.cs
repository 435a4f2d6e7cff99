using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Postcall.Reconciling;
using Postcall.Storage;

namespace Postcall.Forwarding;

/// <summary>The reconcile ledger, in the outbox's database: <c>postcall_sweeps</c> and <c>postcall_unfillable</c>.</summary>
internal abstract partial class SqlForwardOutbox
{
    private const string SweepColumns = "id, trigger_name, since_unix, until_unix, agents, dry_run, status, started_at, updated_at, finished_at, reach, report";

    public Task SaveSweepAsync(SweepRecord sweep, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        var report = JsonSerializer.Serialize(sweep.Report, ReconcileJson.Default.SweepReport);
        return RunAsync("save_sweep", (connection, transaction) => ExecuteAsync(connection, transaction, $"""
            INSERT INTO postcall_sweeps ({SweepColumns})
            VALUES (@id, @trigger_name, @since_unix, @until_unix, @agents, @dry_run, @status, @started_at, @updated_at, @finished_at, @reach, @report)
            ON CONFLICT (id) DO UPDATE SET status = excluded.status, updated_at = excluded.updated_at, finished_at = excluded.finished_at,
                reach = excluded.reach, report = excluded.report;
            """, cancellationToken, ("id", sweep.Id), ("trigger_name", sweep.Trigger), ("since_unix", sweep.Since), ("until_unix", sweep.Until),
            ("agents", string.Join(',', sweep.Agents)), ("dry_run", sweep.DryRun ? 1 : 0), ("status", sweep.Status),
            ("started_at", sweep.StartedAt.ToUnixTimeMilliseconds()), ("updated_at", sweep.UpdatedAt.ToUnixTimeMilliseconds()),
            ("finished_at", sweep.FinishedAt?.ToUnixTimeMilliseconds()), ("reach", sweep.Reach), ("report", report)), cancellationToken);
    }

    public Task<SweepRecord?> SweepAsync(string id, CancellationToken cancellationToken) =>
        RunAsync("sweep", async (connection, transaction) =>
        {
            var found = await ReadAsync(connection, transaction, $"SELECT {SweepColumns} FROM postcall_sweeps WHERE id = @id;", ReadSweep,
                cancellationToken, ("id", id));
            return found.Count == 0 ? null : found[0];
        }, cancellationToken);

    public Task<IReadOnlyList<SweepRecord>> RecentSweepsAsync(int limit, CancellationToken cancellationToken) =>
        RunAsync("sweeps", (connection, transaction) => ReadAsync(connection, transaction,
            $"SELECT {SweepColumns} FROM postcall_sweeps ORDER BY started_at DESC, id DESC LIMIT @limit;", ReadSweep, cancellationToken,
            ("limit", limit)), cancellationToken);

    public Task<IReadOnlyDictionary<(string ConversationId, string Kind), string>> UnfillableAsync(IReadOnlyList<ConversationId> ids,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return RunAsync<IReadOnlyDictionary<(string, string), string>>("unfillable", async (connection, transaction) =>
        {
            var found = new Dictionary<(string, string), string>();
            // Ids are validated conversation ids, passed as parameters all the same.
            foreach (var chunk in ids.Chunk(100))
            {
                var names = chunk.Select((_, i) => $"@id{i}").ToArray();
                var parameters = chunk.Select((id, i) => ($"id{i}", (object?)id.Value)).ToArray();
                var rows = await ReadAsync(connection, transaction,
                    $"SELECT conversation_id, kind, reason FROM postcall_unfillable WHERE conversation_id IN ({string.Join(", ", names)});",
                    r => (r.GetString(0), r.GetString(1), r.GetString(2)), cancellationToken, parameters);
                foreach (var (id, kind, reason) in rows)
                {
                    found[(id, kind)] = reason;
                }
            }

            return found;
        }, cancellationToken);
    }

    public Task MarkUnfillableAsync(ConversationId id, PayloadKind kind, string reason, CancellationToken cancellationToken) =>
        RunAsync("mark_unfillable", (connection, transaction) => ExecuteAsync(connection, transaction, """
            INSERT INTO postcall_unfillable (conversation_id, kind, reason, recorded_at) VALUES (@id, @kind, @reason, @now)
            ON CONFLICT (conversation_id, kind) DO UPDATE SET reason = excluded.reason, recorded_at = excluded.recorded_at;
            """, cancellationToken, ("id", id.Value), ("kind", kind.Name), ("reason", reason), ("now", Now)), cancellationToken);

    private static SweepRecord ReadSweep(DbDataReader r) => new(
        r.GetString(0),
        r.GetString(1),
        Convert.ToInt64(r.GetValue(2), CultureInfo.InvariantCulture),
        Convert.ToInt64(r.GetValue(3), CultureInfo.InvariantCulture),
        SplitList(r.GetString(4)),
        Convert.ToInt32(r.GetValue(5), CultureInfo.InvariantCulture) != 0,
        r.GetString(6),
        DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(r.GetValue(7), CultureInfo.InvariantCulture)),
        DateTimeOffset.FromUnixTimeMilliseconds(Convert.ToInt64(r.GetValue(8), CultureInfo.InvariantCulture)),
        Time(r, 9),
        NullableLong(r, 10),
        JsonSerializer.Deserialize(r.GetString(11), ReconcileJson.Default.SweepReport) ?? new SweepReport());
}
