using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Postcall.Http;

namespace Postcall.Observability;

/// <summary><c>GET /health/ready</c>: 200 when every check passes; otherwise 503 naming the failing checks.</summary>
public static class ReadinessEndpoint
{
    public sealed record CheckReport(string Name, string Status, string? Description);

    public static IServiceCollection AddPostcallReadiness(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<StorageReadinessCheck>(StorageReadinessCheck.Name);
        return services;
    }

    public static IEndpointConventionBuilder MapReadiness(this IEndpointRouteBuilder app) =>
        app.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status200OK,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
            ResponseWriter = WriteAsync,
        }).WithTags("Health");

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        var checks = report.Entries.Select(e => new CheckReport(e.Key, e.Value.Status.ToString().ToLowerInvariant(), e.Value.Description)).ToList();
        if (report.Status != HealthStatus.Unhealthy)
        {
            return context.Response.WriteAsJsonAsync(new SuccessEnvelope<IReadOnlyList<CheckReport>>("Ready", context.RequestId(), checks));
        }

        var failing = string.Join("; ", checks.Where(c => c.Status == "unhealthy").Select(c => $"{c.Name}: {c.Description}"));
        context.Outcome().Result = "not_ready";
        return context.Response.WriteAsJsonAsync(new ErrorEnvelope($"Not ready: {failing}", "not_ready", context.RequestId()));
    }
}
