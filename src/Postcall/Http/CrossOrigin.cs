using Microsoft.AspNetCore.Cors.Infrastructure;

namespace Postcall.Http;

/// <summary>
/// CORS: any origin may call, with any header and method, and may read <c>X-Request-ID</c> from the answer. The
/// middleware is ASP.NET Core's own, bound once at start-up. <c>UseCors()</c> would bind it through reflection: its
/// <c>Invoke</c> takes the policy provider as a second parameter, which <c>UseMiddleware</c> supplies by compiling an
/// expression tree at start-up, loading the expression compiler for that alone (tens of milliseconds of a cold start
/// and 3 MB of resident memory here; docs/benchmarks.md). The provider is stateless: one instance serves every request.
/// </summary>
public static class CrossOrigin
{
    public static IServiceCollection AddCrossOrigin(this IServiceCollection services) =>
        services.AddCors(o => o.AddDefaultPolicy(p => p.AllowAnyOrigin().AllowAnyHeader().AllowAnyMethod()
            .WithExposedHeaders(RequestIds.HeaderName)));

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
