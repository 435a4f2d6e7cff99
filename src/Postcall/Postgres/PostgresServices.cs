using Postcall.Conversations;
using Postcall.Coordination;
using Postcall.Hosting;
using Postcall.Observability;

namespace Postcall.Postgres;

public static class PostgresServices
{
    /// <summary>
    /// What lives in PostgreSQL when <c>POSTCALL_DATABASE_URL</c> is set (the index is chosen in AddConversationIndex):
    /// the leases of background jobs and the media-link key. Without it, both are this process's own.
    /// </summary>
    public static IServiceCollection AddCoordination(this IServiceCollection services)
    {
        services.AddSingleton(sp => new PostgresDatabase(
            sp.GetRequiredService<PostcallSettings>().DatabaseUrl ?? throw new InvalidOperationException($"{PostcallSettings.DatabaseUrlVariable} is not set."),
            sp.GetRequiredService<PostcallMetrics>()));
        services.AddSingleton<IJobLeases>(sp => sp.GetRequiredService<PostcallSettings>().DatabaseUrl is null
            ? new LocalJobLeases()
            : new PostgresJobLeases(sp.GetRequiredService<PostgresDatabase>()));
        services.AddSingleton<IMediaKeySource>(sp => sp.GetRequiredService<PostcallSettings>().DatabaseUrl is null
            ? new InMemoryMediaKeySource()
            : new PostgresMediaKeySource(sp.GetRequiredService<PostgresDatabase>()));
        return services;
    }
}
