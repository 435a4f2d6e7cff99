using Microsoft.Extensions.Diagnostics.HealthChecks;
using Postcall.Hosting;
using Postcall.Storage;

namespace Postcall.Observability;

/// <summary>
/// Ready when a delivery could be stored now: a temp file written and renamed into a new folder under the root (what a
/// commit does), and free space above the floor.
/// </summary>
public sealed class StorageReadinessCheck(PayloadStore store, PostcallSettings settings) : IHealthCheck
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
            return HealthCheckResult.Unhealthy($"conversations cannot be stored under {store.Root}: {e.InnerException?.Message ?? e.Message}");
        }

        var free = store.AvailableFreeSpace();
        return free < settings.MinFreeBytes
            ? HealthCheckResult.Unhealthy($"only {free / (1024 * 1024)} MB free under {store.Root}; the floor is {settings.MinFreeBytes / (1024 * 1024)} MB ({PostcallSettings.MinFreeBytesVariable})")
            : HealthCheckResult.Healthy($"{free / (1024 * 1024)} MB free");
    }
}
