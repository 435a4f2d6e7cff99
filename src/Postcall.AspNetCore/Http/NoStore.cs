namespace Postcall.Http;

internal static class NoStore
{
    /// <summary>Answers of the group carry personal data or secrets: no shared or browser cache may keep them.</summary>
    public static RouteGroupBuilder WithNoStore(this RouteGroupBuilder group)
    {
        ArgumentNullException.ThrowIfNull(group);
        group.AddEndpointFilter((invocation, next) =>
        {
            invocation.HttpContext.Response.Headers.CacheControl = "no-store";
            return next(invocation);
        });
        return group;
    }
}
