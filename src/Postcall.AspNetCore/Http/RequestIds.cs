namespace Postcall.Http;

/// <summary>
/// Gives every request an id, reused from a well-formed incoming <c>X-Request-ID</c> (a UUID, or up to 64 of
/// <c>[A-Za-z0-9._-]</c>) so callers can correlate, and echoed on every response.
/// </summary>
internal static class RequestIds
{
    public const string HeaderName = "X-Request-ID";
    private const int MaxLength = 64;
    private static readonly object ItemKey = new();

    /// <summary>
    /// The request's id: the one the middleware assigned, or, in an app that embeds Postcall without it, one assigned
    /// now and echoed in <c>X-Request-ID</c> so the answer and its envelope name the same id.
    /// </summary>
    public static string RequestId(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Items[ItemKey] is string assigned)
        {
            return assigned;
        }

        var id = Assign(context);
        if (!context.Response.HasStarted)
        {
            context.Response.Headers[HeaderName] = id;
        }

        return id;
    }

    public static IApplicationBuilder UseRequestIds(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("Postcall.Requests");
        return app.Use(async (context, next) =>
        {
            var id = Assign(context);
            context.Response.OnStarting(() =>
            {
                context.Response.Headers[HeaderName] = id;
                return Task.CompletedTask;
            });

            // Every line logged while the request runs carries its id (JSON logs show scopes).
            using (logger.BeginScope(new RequestIdScope(id)))
            {
                await next(context);
            }
        });
    }

    public static bool IsWellFormed(string? value) =>
        !string.IsNullOrEmpty(value)
        && (Guid.TryParse(value, out _)
            || (value.Length <= MaxLength && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-')));

    private static string Assign(HttpContext context)
    {
        var incoming = context.Request.Headers[HeaderName].ToString();
        var id = IsWellFormed(incoming) ? incoming : Guid.NewGuid().ToString();
        context.Items[ItemKey] = id;
        return id;
    }
}
