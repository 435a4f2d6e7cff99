using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using Postcall.Http;

namespace Postcall.Access;

/// <summary>
/// The gate of everything that needs a key: a configured key as a Bearer token, or for audio a media token. A correct
/// key always passes. Wrong and missing keys are counted per client (<see cref="RequestOrigin"/>); past the limit that
/// client's further wrong keys get 429 until the window ends, so nobody can lock a key holder out by failing on their
/// behalf, and guessing stays slow and visible.
/// </summary>
internal static class ApiKeyFilter
{
    /// <summary>Marks an endpoint whose <c>{id}</c> may instead be authorized by a <see cref="MediaTokens"/> <c>access</c> query value.</summary>
    public sealed class AllowsMediaToken;

    public const string MediaTokenQuery = "access";

    public static RouteGroupBuilder RequireApiKey(this RouteGroupBuilder group) => group.AddEndpointFilter(async (invocation, next) =>
        (await HasMediaTokenAsync(invocation.HttpContext) ? null : Refusal(invocation.HttpContext, "This API needs a key: send Authorization: Bearer <POSTCALL_API_KEY>."))
        ?? await next(invocation));

    /// <summary>The keyed <see cref="ApiKeyCheck"/> of admin keys (<c>POSTCALL_ADMIN_KEY</c>).</summary>
    public const string AdminKeys = "admin";

    /// <summary>
    /// For an endpoint of a group that already needs a key: only an admin key passes. A valid read key gets 403; it is
    /// no wrong guess, so it is not counted against the client.
    /// </summary>
    public static RouteHandlerBuilder RequireAdminKey(this RouteHandlerBuilder builder) => builder.AddEndpointFilter(async (invocation, next) =>
    {
        var context = invocation.HttpContext;
        return context.RequestServices.GetRequiredKeyedService<ApiKeyCheck>(AdminKeys).IsAuthorized(context.Request.Headers.Authorization.ToString())
            ? await next(invocation)
            : ApiResults.Error(context, StatusCodes.Status403Forbidden, ErrorCodes.AdminKeyRequired,
                "This needs an admin key: send Authorization: Bearer <POSTCALL_ADMIN_KEY>.");
    });

    /// <summary>Whether the request carries an admin key (it may see destination secrets).</summary>
    public static bool HasAdminKey(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.RequestServices.GetRequiredKeyedService<ApiKeyCheck>(AdminKeys).IsAuthorized(context.Request.Headers.Authorization.ToString());
    }

    /// <summary>Null when the request may pass; otherwise the answer that refuses it (401 or 429).</summary>
    public static IResult? Refusal(HttpContext context, string missingKeyMessage)
    {
        ArgumentNullException.ThrowIfNull(context);
        var services = context.RequestServices;
        var authorization = context.Request.Headers.Authorization.ToString();
        if (services.GetRequiredService<ApiKeyCheck>().IsAuthorized(authorization))
        {
            return null;
        }

        var limiter = services.GetRequiredService<FailedAttemptLimiter>();
        var client = context.Origin().Client;
        if (limiter.IsLockedOut(client) || !limiter.RecordFailure(client))
        {
            return TooMany(context);
        }

        context.Response.Headers.WWWAuthenticate = "Bearer";
        return authorization.Length == 0 && !context.Request.Query.ContainsKey(MediaTokenQuery)
            ? ApiResults.Error(context, StatusCodes.Status401Unauthorized, ErrorCodes.ApiKeyMissing, missingKeyMessage)
            : ApiResults.Error(context, StatusCodes.Status401Unauthorized, ErrorCodes.ApiKeyInvalid, "The API key is not valid.");
    }

    /// <summary>A route that allows it, and a valid <c>access</c> value for its conversation.</summary>
    private static async Task<bool> HasMediaTokenAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<AllowsMediaToken>() is null
            || context.Request.RouteValues["id"] is not string id
            || context.Request.Query[MediaTokenQuery] is not { Count: 1 } token)
        {
            return false;
        }

        try
        {
            return await context.RequestServices.GetRequiredService<MediaTokens>().IsValidAsync(id, token.ToString(), context.RequestAborted);
        }
        catch (MediaKeyUnavailableException)
        {
            return false; // the shared key cannot be read now; the key in a header still works
        }
    }

    private static JsonHttpResult<ErrorEnvelope> TooMany(HttpContext context)
    {
        context.Response.Headers[HeaderNames.RetryAfter] = ((int)FailedAttemptLimiter.Window.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        return ApiResults.Error(context, StatusCodes.Status429TooManyRequests, ErrorCodes.TooManyAttempts,
            "Too many wrong keys from this address; try again in a minute.");
    }
}
