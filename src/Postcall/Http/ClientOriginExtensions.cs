namespace Postcall.Http;

internal static class ClientOriginExtensions
{
    /// <summary>
    /// Decides each request's <see cref="RequestOrigin"/> and puts the client in
    /// <see cref="ConnectionInfo.RemoteIpAddress"/>, so rate limits and logs see the same client.
    /// </summary>
    public static IApplicationBuilder UseClientOrigin(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var origins = app.ApplicationServices.GetRequiredService<ClientOrigin>();
        return app.Use((context, next) =>
        {
            var origin = origins.Decide(context.Connection, context.Request.Headers);
            context.Features.Set(origin);
            context.Connection.RemoteIpAddress = origin.Client;
            return next(context);
        });
    }
}
