using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Postcall.Access;
using Postcall.Http;

namespace Postcall.Observability;

/// <summary>
/// Metrics are always exported for Prometheus at <c>/metrics</c>. Traces and metrics also go over OTLP when the
/// standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set; unset, no exporter runs and no span is recorded.
/// </summary>
internal static class PostcallTelemetry
{
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";
    public const string MetricsPath = "/metrics";

    public static IServiceCollection AddPostcallTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var otlp = !string.IsNullOrWhiteSpace(configuration[OtlpEndpointVariable]);
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName: configuration["APP_NAME"] ?? "Postcall"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(PostcallMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel",
                    "Microsoft.AspNetCore.Http.Connections", "Microsoft.AspNetCore.Routing", "Microsoft.AspNetCore.Diagnostics");
                metrics.AddPrometheusExporter();
                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }
            });
        if (otlp)
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(PostcallActivity.Name)
                .AddAspNetCoreInstrumentation(o => o.Filter = context => context.Request.Path != MetricsPath)
                .AddOtlpExporter());
        }

        return services;
    }

    /// <summary>
    /// <c>/metrics</c>, for local requests and API key holders (a scraper sends <c>Authorization: Bearer</c>), or for
    /// anyone with <c>POSTCALL_METRICS_PUBLIC=true</c>: through a tunnel it would otherwise tell the internet how many
    /// calls come in and how much disk is left.
    /// </summary>
    public static IEndpointConventionBuilder MapPostcallMetrics(this IEndpointRouteBuilder app, bool isPublic) =>
        app.MapPrometheusScrapingEndpoint(MetricsPath, meterProvider: null, configureBranchedPipeline: branch =>
        {
            if (!isPublic)
            {
                branch.Use(async (context, next) =>
                {
                    if (!context.Origin().IsLocal && ApiKeyFilter.Refusal(context, MetricsKeyMessage) is { } refusal)
                    {
                        await refusal.ExecuteAsync(context);
                        return;
                    }

                    await next(context);
                });
            }
        }, optionsName: null).WithTags("Observability");

    private const string MetricsKeyMessage =
        "Metrics are served to local requests and to API key holders: send Authorization: Bearer <POSTCALL_API_KEY>, or set POSTCALL_METRICS_PUBLIC=true.";
}
