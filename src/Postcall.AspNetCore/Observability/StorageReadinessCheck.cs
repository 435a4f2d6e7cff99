using Microsoft.Extensions.Diagnostics.HealthChecks;
using Postcall.Hosting;
using Postcall.Storage;

namespace Postcall.Observability;

/// <summary>
/// Ready when a delivery could be stored now: a probe committed and removed as a payload would be (a temp file renamed
/// into a new folder, or an object written and deleted), and free space for temp files above the floor.
/// </summary>
internal sealed class StorageReadinessCheck(IPayloadStore store, PostcallSettings settings) : IHealthCheck
{
    public const string Name = "storage";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.ProbeCommitAsync(cancellationToken);
        }
        catch (StorageException e)
        {
            return HealthCheckResult.Unhealthy($"conversations cannot be stored in {store.Location}: {e.InnerException?.Message ?? e.Message}");
        }

        var free = store.LocalState.AvailableFreeSpace();
        return free < settings.MinFreeBytes
            ? HealthCheckResult.Unhealthy($"only {free / (1024 * 1024)} MB free for temp files under {store.LocalState.Folder}; the floor is {settings.MinFreeBytes / (1024 * 1024)} MB ({PostcallSettings.MinFreeBytesVariable})")
            : HealthCheckResult.Healthy($"payloads in {store.Location}; {free / (1024 * 1024)} MB free for temp files");
    }
}
