using Postcall.Http;

namespace Postcall.Observability;

internal static class HealthEndpoints
{
    /// <summary>Liveness, with exactly the earlier service's body.</summary>
    public sealed record Health(string Status, string Message);

    public static RouteGroupBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/health").WithTags("Health");
        group.MapGet("", Answer<Health> () => new(new Health("healthy", "Service is running")))
            .WithName("Health")
            .WithSummary("Liveness: the process is up and answering")
            .AllowCrossOrigin();
        return group;
    }
}
