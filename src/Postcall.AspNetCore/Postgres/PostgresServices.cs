using Postcall.Coordination;
using Postcall.Hosting;
using Postcall.Observability;

namespace Postcall.Postgres;

internal static class PostgresServices
{
    /// <summary>
    /// What lives in PostgreSQL when <c>POSTCALL_DATABASE_URL</c> is set besides the index (AddConversationIndex) and the
    /// outbox (AddForwarding): the leases of background jobs. Without it, they are this process's own.
    /// </summary>
    public static IServiceCollection AddCoordination(this IServiceCollection services)
    {
        services.AddSingleton(sp => new PostgresDatabase(
            sp.GetRequiredService<PostcallSettings>().DatabaseUrl ?? throw new InvalidOperationException($"{PostcallSettings.DatabaseUrlVariable} is not set."),
            sp.GetRequiredService<PostcallMetrics>()));
        services.AddSingleton<IJobLeases>(sp => sp.GetRequiredService<PostcallSettings>().DatabaseUrl is null
            ? new LocalJobLeases()
            : new PostgresJobLeases(sp.GetRequiredService<PostgresDatabase>()));
        return services;
    }
}
