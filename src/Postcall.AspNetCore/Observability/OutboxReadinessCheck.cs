using Microsoft.Extensions.Diagnostics.HealthChecks;
using Postcall.Forwarding;

namespace Postcall.Observability;

/// <summary>
/// The forwarding outbox answers. Every delivery records its forwards there before its 200 (it must know the
/// destinations even to find there are none), so without it this instance cannot answer a delivery: unhealthy.
/// Whether destinations themselves are up never matters here.
/// </summary>
internal sealed class OutboxReadinessCheck(IForwardOutbox outbox, ForwardDispatcher dispatcher) : IHealthCheck
{
    public const string Name = "outbox";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            // Ready once it is open and holds the environment's destinations, as a delivery needs it.
            await dispatcher.WhenReadyAsync();
            var destinations = await outbox.DestinationsAsync(cancellationToken);
            return HealthCheckResult.Healthy($"{destinations.Count} forwarding destination(s); outbox in {outbox.Location}");
        }
        catch (OutboxUnavailableException e)
        {
            return HealthCheckResult.Unhealthy($"the forwarding outbox in {outbox.Location} is unavailable, so deliveries cannot be answered: {e.Message}");
        }
    }
}
