using Microsoft.Extensions.Diagnostics.HealthChecks;
using Postcall.Index;

namespace Postcall.Observability;

/// <summary>
/// The conversation index answers. A local index (a cache of the store) failing is degraded, never unhealthy:
/// deliveries are still stored durably, so a load balancer must keep sending them. A shared index is part of every
/// commit, so without it this instance cannot store a delivery: unhealthy.
/// </summary>
internal sealed class IndexReadinessCheck(IConversationIndex index) : IHealthCheck
{
    public const string Name = "index";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var count = await index.CountAsync(cancellationToken);
            return HealthCheckResult.Healthy($"{count} conversations indexed in {index.Location}");
        }
        catch (IndexUnavailableException e)
        {
            return index.IsPartOfCommit
                ? HealthCheckResult.Unhealthy($"the shared index in {index.Location} is unavailable, so deliveries cannot be stored: {e.Message}")
                : HealthCheckResult.Degraded($"the conversation index is not readable; deliveries are still stored (see the log): {e.Message}");
        }
    }
}
