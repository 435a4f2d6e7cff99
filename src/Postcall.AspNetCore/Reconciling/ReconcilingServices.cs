namespace Postcall.Reconciling;

internal static class ReconcilingServices
{
    /// <summary>
    /// ElevenLabs' Conversations API and the backfill that stores what it gives. Its client follows no redirect by
    /// itself (<see cref="ConversationsApi"/> does, keeping the key to the API's origin), keeps no cookies, and logs
    /// no request lines.
    /// </summary>
    public static IServiceCollection AddReconciling(this IServiceCollection services)
    {
        services.AddSingleton<ConversationsApi>();
        services.AddSingleton<Backfill>();
        services.AddSingleton<ISweepLedger>(sp => (ISweepLedger)sp.GetRequiredService<Forwarding.IForwardOutbox>());
        services.AddSingleton<Reconciler>();
        services.AddSingleton<WebhookHealth>();
        services.AddSingleton<ReconcileService>();
        services.AddHostedService(sp => sp.GetRequiredService<ReconcileService>());
        services.AddHttpClient(ConversationsApi.ClientName, c => c.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                ConnectTimeout = TimeSpan.FromSeconds(15),
            })
            .RemoveAllLoggers();
        return services;
    }
}
