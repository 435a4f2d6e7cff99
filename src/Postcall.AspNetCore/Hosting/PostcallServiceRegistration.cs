using Postcall.Conversations;
using Postcall.Coordination;
using Postcall.Forwarding;
using Postcall.Http;
using Postcall.Index;
using Postcall.Observability;
using Postcall.Receiving;
using Postcall.Reconciling;
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
        services.AddSingleton<CallCommit>();
        services.AddSingleton<PostCallReceiver>();
        services.AddReconciling();
        services.AddSingleton(sp =>
        {
            var settings = sp.GetRequiredService<PostcallSettings>();
            var store = sp.GetRequiredService<IPayloadStore>();
            var admission = new UnverifiedAdmission(new AdmissionLimits(settings.UnverifiedPerClient, settings.UnverifiedMaxBytes,
                AdmissionLimits.DefaultMaxBodies, settings.MinFreeBytes, AdmissionLimits.DefaultWait), () => store.LocalState.AvailableFreeSpace());
            sp.GetRequiredService<PostcallMetrics>().Observe(admission);
            return admission;
        });
        services.AddConversationIndex();
        services.AddConversationApi();
        services.AddSingleton<Calls.ICallArchive, Calls.CallArchive>();
        services.AddCrossOrigin();
        services.AddPostcallReadiness();
        return services;
    }
}
