using Postcall.Hosting;

namespace Postcall.Coordination;

internal static class CoordinationServices
{
    /// <summary>
    /// Who runs a background job now: leases in the shared engine's database when <c>POSTCALL_DATABASE_URL</c> is set
    /// (Postcall.PostgreSql), else always this process.
    /// </summary>
    public static IServiceCollection AddCoordination(this IServiceCollection services)
    {
        services.AddSingleton(sp => sp.GetRequiredService<PostcallSettings>().DatabaseUrl is null
            ? new LocalJobLeases()
            : sp.GetRequiredService<ISharedDatabaseEngine>().CreateLeases(sp));
        return services;
    }
}
