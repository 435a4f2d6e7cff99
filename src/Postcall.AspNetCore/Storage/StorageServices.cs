using Postcall.Hosting;
using Postcall.Observability;
using Postcall.Storage.Files;
using Postcall.Storage.S3;

namespace Postcall.Storage;

internal static class StorageServices
{
    /// <summary>
    /// The payload store: an S3-compatible bucket when <c>POSTCALL_STORAGE_URL</c> is set, else files under
    /// <c>ELEVENLABS_POST_CALL_PAYLOAD_PATH</c>. That folder holds this instance's local state in both cases.
    /// </summary>
    public static IServiceCollection AddPayloadStore(this IServiceCollection services)
    {
        services.AddSingleton(sp =>
        {
            var configuration = sp.GetRequiredService<IConfiguration>();
            return Create(sp.GetRequiredService<PostcallSettings>(), name => configuration[name], sp.GetRequiredService<PostcallMetrics>());
        });
        return services;
    }

    /// <summary>The store these settings name; the service and the command-line tools both open it this way.</summary>
    /// <param name="environment">Where the AWS SDK's settings are read (AWS_ENDPOINT_URL, keys, region).</param>
    public static IPayloadStore Create(PostcallSettings settings, Func<string, string?> environment, PostcallMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.StorageUrl is not { } location)
        {
            return new FilePayloadStore(settings.PayloadPath);
        }

        var localState = Path.Combine(Path.GetFullPath(settings.PayloadPath), FilePayloadStore.StateFolderName, "instances");
        return new S3PayloadStore(S3ClientFactory.Create(environment), location, localState, metrics);
    }
}
