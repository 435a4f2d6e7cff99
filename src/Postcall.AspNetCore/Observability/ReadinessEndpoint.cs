using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Postcall.Http;

namespace Postcall.Observability;

/// <summary><c>GET /health/ready</c>: 200 when every check passes; otherwise 503 naming the failing checks.</summary>
internal static class ReadinessEndpoint
{
    public sealed record CheckReport(string Name, string Status, string? Description);

    public static IServiceCollection AddPostcallReadiness(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<StorageReadinessCheck>(StorageReadinessCheck.Name)
            .AddCheck<IndexReadinessCheck>(IndexReadinessCheck.Name)
            .AddCheck<OutboxReadinessCheck>(OutboxReadinessCheck.Name);
        return services;
    }

    public static RouteHandlerBuilder MapReadiness(this IEndpointRouteBuilder app) =>
        app.MapGet("/health/ready", CheckAsync)
            .WithTags("Health")
            .WithName("Readiness")
            .WithSummary("Readiness: the storage root is writable with free space above POSTCALL_MIN_FREE_BYTES")
            .ProducesErrors(StatusCodes.Status503ServiceUnavailable);

    /// <remarks>
    /// The checks' descriptions (the storage root, free space, how many conversations) go to local requests only;
    /// anyone else, a load balancer or someone through the tunnel, learns which checks pass and nothing more.
    /// </remarks>
    private static async Task<Results<Answer<SuccessEnvelope<IReadOnlyList<CheckReport>>>, JsonHttpResult<ErrorEnvelope>>> CheckAsync(
        HttpContext context, HealthCheckService health, IHostApplicationLifetime lifetime, CancellationToken cancellationToken)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            // Shutting down: let the load balancer send new deliveries elsewhere while the last ones finish.
            return ApiResults.Error(context, StatusCodes.Status503ServiceUnavailable, "not_ready", "Not ready: shutting down");
        }

        var report = await health.CheckHealthAsync(cancellationToken);
        var detailed = context.Origin().IsLocal;
        IReadOnlyList<CheckReport> checks = [.. report.Entries.Select(e => new CheckReport(
            e.Key, e.Value.Status.ToString().ToLowerInvariant(), detailed ? e.Value.Description : null))];
        if (report.Status != HealthStatus.Unhealthy)
        {
            return ApiResults.Success(context, "Ready", checks);
        }

        var failing = string.Join("; ", checks.Where(c => c.Status == "unhealthy").Select(c => detailed ? $"{c.Name}: {c.Description}" : c.Name));
        return ApiResults.Error(context, StatusCodes.Status503ServiceUnavailable, "not_ready", $"Not ready: {failing}");
    }
}
