using Postcall.Hosting;
using Postcall.Observability;
using Postcall.Storage.Files;
using Postcall.Storage.S3;

namespace Postcall.Storage;

public static class StorageServices
{
    /// <summary>
    /// The payload store: an S3-compatible bucket when <c>POSTCALL_STORAGE_URL</c> is set, else files under
    /// <c>ELEVENLABS_POST_CALL_PAYLOAD_PATH</c>. That folder holds this instance's local state in both cases.
    /// </summary>
    public static IServiceCollection AddPayloadStore(this IServiceCollection services)
    {
        services.AddSingleton<IPayloadStore>(sp =>
        {
            var settings = sp.GetRequiredService<PostcallSettings>();
            if (settings.StorageUrl is not { } location)
            {
                return new FilePayloadStore(settings.PayloadPath);
            }

            var configuration = sp.GetRequiredService<IConfiguration>();
            var localState = Path.Combine(Path.GetFullPath(settings.PayloadPath), FilePayloadStore.StateFolderName, "instances");
            return new S3PayloadStore(S3ClientFactory.Create(name => configuration[name]), location, localState, sp.GetRequiredService<PostcallMetrics>());
        });
        return services;
    }
}
