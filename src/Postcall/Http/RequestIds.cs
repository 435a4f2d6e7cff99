namespace Postcall.Http;

/// <summary>
/// Gives every request an id, reused from a well-formed incoming <c>X-Request-ID</c> (a UUID, or up to 64 of
/// <c>[A-Za-z0-9._-]</c>) so callers can correlate, and echoed on every response.
/// </summary>
public static class RequestIds
{
    public const string HeaderName = "X-Request-ID";
    private const int MaxLength = 64;
    private static readonly object ItemKey = new();

    public static string RequestId(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items[ItemKey] as string ?? Assign(context);
    }

    public static IApplicationBuilder UseRequestIds(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            var id = Assign(context);
            context.Response.OnStarting(() =>
            {
                context.Response.Headers[HeaderName] = id;
                return Task.CompletedTask;
            });
            return next(context);
        });

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
