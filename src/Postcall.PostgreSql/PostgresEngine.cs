using Postcall.Coordination;
using Postcall.Forwarding;
using Postcall.Hosting;
using Postcall.Index;
using Postcall.Observability;

namespace Postcall.Postgres;

/// <summary>
/// The index, the forwarding outbox and the job leases in one PostgreSQL database (<c>POSTCALL_DATABASE_URL</c>),
/// shared by every instance; one pooled data source for all three.
/// </summary>
internal sealed class PostgresEngine : ISharedDatabaseEngine
{
    public string Variable => PostcallSettings.DatabaseUrlVariable;

    // The problem never quotes the value: it may hold a password.
    public string? Check(string value) => PostgresUrl.TryParse(value, out _, out var problem)
        ? null
        : $"{Variable} {problem}; use postgres://user:password@host:5432/database or an Npgsql connection string.";

    public IConversationIndex CreateIndex(IServiceProvider services) => ActivatorUtilities.CreateInstance<PostgresConversationIndex>(services);

    public IForwardOutbox CreateOutbox(IServiceProvider services) =>
        new PostgresForwardOutbox(services.GetRequiredService<PostgresDatabase>(), services.GetRequiredService<TimeProvider>());

    public IJobLeases CreateLeases(IServiceProvider services) => new PostgresJobLeases(services.GetRequiredService<PostgresDatabase>());

    /// <summary>The database these settings name.</summary>
    public static PostgresDatabase Database(PostcallSettings settings, PostcallMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return PostgresUrl.TryParse(settings.DatabaseUrl, out var connection, out var problem)
            ? new PostgresDatabase(connection, metrics)
            : throw new SettingsException($"{PostcallSettings.DatabaseUrlVariable} {problem}.");
    }

}
