using Postcall.Access;
using Postcall.Hosting;
using Postcall.Sqlite;

namespace Postcall.Forwarding;

internal static class ForwardingServices
{
    /// <summary>
    /// The outbox where <c>POSTCALL_DATABASE_URL</c> says (PostgreSQL, or <c>.postcall/outbox.db</c> beside the
    /// payloads), the dispatcher that empties it, and the two HTTP clients it sends with.
    /// </summary>
    public static IServiceCollection AddForwarding(this IServiceCollection services)
    {
        services.AddSingleton(sp => sp.GetRequiredService<PostcallSettings>().Forward);
        services.AddSingleton<IForwardOutbox>(sp =>
        {
            var settings = sp.GetRequiredService<PostcallSettings>();
            var time = sp.GetRequiredService<TimeProvider>();
            return settings.DatabaseUrl is null
                ? new SqliteForwardOutbox(SqliteForwardOutbox.PathUnder(settings.PayloadPath), time)
                : sp.GetRequiredService<ISharedDatabaseEngine>().CreateOutbox(sp);
        });
        services.AddSingleton<IMediaKeySource, OutboxMediaKeySource>();
        services.AddSingleton<ForwardMetrics>();
        services.AddSingleton<ForwardSender>();
        services.AddSingleton<Handlers.HandlerDestinations>();
        services.AddSingleton<Handlers.HandlerInvoker>();
        services.AddSingleton<ForwardDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<ForwardDispatcher>());
        services.AddSingleton<ForwardIntake>();
        services.AddSingleton<DestinationReplay>();

        // No redirects (a destination may not send us elsewhere), no cookies, no proxy for the checked client; a
        // timeout per attempt from the destination, not the client's. Their request logs would carry URLs: none.
        services.AddHttpClient(ForwardSender.TrustedClient, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => Handler(checkAddresses: false))
            .RemoveAllLoggers();
        services.AddHttpClient(ForwardSender.PublicClient, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(sp => Handler(checkAddresses: !sp.GetRequiredService<ForwardSettings>().AllowPrivate))
            .RemoveAllLoggers();
        return services;
    }

    private static SocketsHttpHandler Handler(bool checkAddresses) => new()
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        UseProxy = !checkAddresses,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(15),
        ConnectCallback = checkAddresses ? DestinationAddresses.ConnectPublicAsync : null,
    };
}
