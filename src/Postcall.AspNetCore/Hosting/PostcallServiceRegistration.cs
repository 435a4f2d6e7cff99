using Postcall.Conversations;
using Postcall.ElevenLabs;
using Postcall.Forwarding;
using Postcall.Http;
using Postcall.Index;
using Postcall.Observability;
using Postcall.Coordination;
using Postcall.Storage;

namespace Postcall.Hosting;

/// <summary>
/// What Postcall needs in any host, given its settings: the engines they pick, the receiver, the index, forwarding and handlers, readiness and metrics instruments. Nothing
/// of the host's own: no configuration sources, addresses, server limits, JSON defaults or logging providers.
/// </summary>
internal static class PostcallServiceRegistration
{
    public static IServiceCollection AddPostcallServices(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<PostcallMetrics>();
        // First of Postcall's hosted services: the store is taken before the index writer and the dispatcher start.
        services.AddHostedService<StoragePreparation>();
        services.AddPayloadStore();
        services.AddCoordination();
        services.AddForwarding();
        services.AddSingleton<PostCallReceiver>();
        services.AddSingleton(sp =>
        {
            var settings = sp.GetRequiredService<PostcallSettings>();
            var store = sp.GetRequiredService<IPayloadStore>();
            var spool = new UnverifiedSpool(new SpoolLimits(settings.UnverifiedPerClient, settings.UnverifiedMaxBytes,
                SpoolLimits.DefaultMaxBodies, settings.MinFreeBytes, SpoolLimits.DefaultWait), () => store.Spool.AvailableFreeSpace());
            sp.GetRequiredService<PostcallMetrics>().Observe(spool);
            return spool;
        });
        services.AddConversationIndex();
        services.AddConversationApi();
        services.AddSingleton<Calls.ICallArchive, Calls.CallArchive>();
        services.AddCrossOrigin();
        services.AddPostcallReadiness();
        return services;
    }
}
