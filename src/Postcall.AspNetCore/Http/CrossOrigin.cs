using Microsoft.AspNetCore.Cors.Infrastructure;

namespace Postcall.Http;

/// <summary>
/// CORS where the earlier service had it, on the endpoints that opt in with <see cref="AllowCrossOrigin"/> (the
/// webhooks, echo and liveness): any origin may call them, with any header and method, and may read
/// <c>X-Request-ID</c> from the answer. Nothing only local or keyed callers may read (metrics, detailed readiness, the
/// API, the dashboard) answers a web page of another origin: a page open in an operator's browser could otherwise read
/// what the operator's machine may. The middleware is ASP.NET Core's own, bound once at start-up. <c>UseCors()</c> would bind it through reflection: its
/// <c>Invoke</c> takes the policy provider as a second parameter, which <c>UseMiddleware</c> supplies by compiling an
/// expression tree at start-up, loading the expression compiler for that alone (tens of milliseconds of a cold start
/// and 3 MB of resident memory here; docs/benchmarks.md). The provider is stateless: one instance serves every request.
/// </summary>
internal static class CrossOrigin
{
    private const string AnyOrigin = "any-origin";

    public static IServiceCollection AddCrossOrigin(this IServiceCollection services) =>
        services.AddCors(o => o.AddPolicy(AnyOrigin, p => p.AllowAnyOrigin().AllowAnyHeader().AllowAnyMethod()
            .WithExposedHeaders(RequestIds.HeaderName)));

    /// <summary>Lets web pages of any origin call these endpoints (and their preflight requests be answered).</summary>
    public static TBuilder AllowCrossOrigin<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.RequireCors(AnyOrigin);

    public static IApplicationBuilder UseCrossOrigin(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var cors = app.ApplicationServices.GetRequiredService<ICorsService>();
        var policies = app.ApplicationServices.GetRequiredService<ICorsPolicyProvider>();
        var loggers = app.ApplicationServices.GetRequiredService<ILoggerFactory>();
        return app.Use(next =>
        {
            var middleware = new CorsMiddleware(next, cors, loggers);
            return context => middleware.Invoke(context, policies);
        });
    }
}
