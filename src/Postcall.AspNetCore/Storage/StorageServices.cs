using Postcall.Hosting;
using Postcall.Storage.Files;

namespace Postcall.Storage;

internal static class StorageServices
{
    /// <summary>
    /// The payload store: the shared engine's bucket when <c>POSTCALL_STORAGE_URL</c> is set (Postcall.S3), else files
    /// under <c>ELEVENLABS_POST_CALL_PAYLOAD_PATH</c>. That folder holds this instance's local state in both cases.
    /// </summary>
    public static IServiceCollection AddPayloadStore(this IServiceCollection services)
    {
        services.AddSingleton(sp => sp.GetRequiredService<PostcallSettings>() is { StorageUrl: null } settings
            ? new FilePayloadStore(settings.PayloadPath)
            : sp.GetRequiredService<ISharedStorageEngine>().CreateStore(sp));
        return services;
    }
}
