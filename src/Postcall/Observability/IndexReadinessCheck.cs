using Microsoft.Extensions.Diagnostics.HealthChecks;
using Postcall.Index;

namespace Postcall.Observability;

/// <summary>
/// The conversation index answers. Degraded, never unhealthy: without it deliveries are still stored durably, so a
/// load balancer must keep sending them; only browsing waits for the repair.
/// </summary>
public sealed class IndexReadinessCheck(ConversationIndexer indexer) : IHealthCheck
{
    public const string Name = "index";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!indexer.IsOpen)
        {
            return Task.FromResult(HealthCheckResult.Degraded("the conversation index could not be opened; deliveries are still stored (see the log)"));
        }

        try
        {
            var count = indexer.Index.Count();
            return Task.FromResult(HealthCheckResult.Healthy($"{count} conversations indexed"));
        }
        catch (Exception e) when (e is Microsoft.Data.Sqlite.SqliteException or IOException or UnauthorizedAccessException)
        {
            return Task.FromResult(HealthCheckResult.Degraded($"the conversation index is not readable: {e.Message}"));
        }
    }
}
