using Microsoft.Extensions.Diagnostics.HealthChecks;
using Postcall.Hosting;
using Postcall.Storage;

namespace Postcall.Observability;

/// <summary>Ready when a file can be written and removed under the storage root and free space is above the floor.</summary>
public sealed class StorageReadinessCheck(PayloadStore store, PostcallSettings settings) : IHealthCheck
{
    public const string Name = "storage";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var probe = Path.Combine(store.StateDirectory, $"ready-{Guid.NewGuid():N}.probe");
        try
        {
            Directory.CreateDirectory(store.StateDirectory);
            await File.WriteAllBytesAsync(probe, [1], cancellationToken);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return HealthCheckResult.Unhealthy($"the storage root {store.Root} is not writable: {e.Message}");
        }

        var free = new DriveInfo(store.Root).AvailableFreeSpace;
        return free < settings.MinFreeBytes
            ? HealthCheckResult.Unhealthy($"only {free / (1024 * 1024)} MB free under {store.Root}; the floor is {settings.MinFreeBytes / (1024 * 1024)} MB ({PostcallSettings.MinFreeBytesVariable})")
            : HealthCheckResult.Healthy($"{free / (1024 * 1024)} MB free");
    }
}
