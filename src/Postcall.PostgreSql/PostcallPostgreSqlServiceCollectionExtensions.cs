using Postcall.Hosting;
using Postcall.Observability;
using Postcall.Postgres;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the PostgreSQL engine to Postcall.</summary>
public static class PostcallPostgreSqlServiceCollectionExtensions
{
    /// <summary>
    /// Lets Postcall keep its index, forwarding outbox, handler claims and job leases in PostgreSQL when
    /// <c>POSTCALL_DATABASE_URL</c> (<c>postgres://user:password@host:5432/database</c> or an Npgsql connection string)
    /// is set; unset, they stay in SQLite files beside the payloads. With <c>POSTCALL_STORAGE_URL</c> too
    /// (Postcall.S3), several instances serve the same calls.
    /// </summary>
    /// <param name="services">The app's services, with <c>AddPostcall</c>.</param>
    public static IServiceCollection AddPostcallPostgreSql(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton(sp => PostgresEngine.Database(sp.GetRequiredService<PostcallSettings>(), sp.GetRequiredService<PostcallMetrics>()));
        services.AddSingleton<PostgresEngine>();
        services.AddSingleton<ISharedEngine>(sp => sp.GetRequiredService<PostgresEngine>());
        services.AddSingleton<ISharedDatabaseEngine>(sp => sp.GetRequiredService<PostgresEngine>());
        return services;
    }
}
