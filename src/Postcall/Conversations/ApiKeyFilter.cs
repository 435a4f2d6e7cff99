using System.Net;
using Microsoft.Net.Http.Headers;
using Postcall.Http;

namespace Postcall.Conversations;

/// <summary>The read API's gate: a configured key as a Bearer token, or for audio a media token; failures are rate-limited.</summary>
public static class ApiKeyFilter
{
    /// <summary>Marks an endpoint whose <c>{id}</c> may instead be authorized by a <see cref="MediaTokens"/> <c>access</c> query value.</summary>
    public sealed class AllowsMediaToken;

    public const string MediaTokenQuery = "access";

    public static RouteGroupBuilder RequireApiKey(this RouteGroupBuilder group) => group.AddEndpointFilter(async (invocation, next) =>
    {
        var context = invocation.HttpContext;
        var services = context.RequestServices;
        var limiter = services.GetRequiredService<FailedAttemptLimiter>();
        var client = context.Connection.RemoteIpAddress ?? IPAddress.None;
        if (limiter.IsLockedOut(client))
        {
            return TooMany(context);
        }

        var authorization = context.Request.Headers.Authorization.ToString();
        if (services.GetRequiredService<ApiKeyCheck>().IsAuthorized(authorization) || HasMediaToken(context))
        {
            return await next(invocation);
        }

        if (!limiter.RecordFailure(client))
        {
            return TooMany(context);
        }

        context.Response.Headers.WWWAuthenticate = "Bearer";
        return authorization.Length == 0 && !context.Request.Query.ContainsKey(MediaTokenQuery)
            ? ApiResults.Error(context, StatusCodes.Status401Unauthorized, ErrorCodes.ApiKeyMissing,
                "This API needs a key: send Authorization: Bearer <POSTCALL_API_KEY>.")
            : ApiResults.Error(context, StatusCodes.Status401Unauthorized, ErrorCodes.ApiKeyInvalid, "The API key is not valid.");
    });

    private static bool HasMediaToken(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<AllowsMediaToken>() is not null
        && context.Request.RouteValues["id"] is string id
        && context.Request.Query[MediaTokenQuery] is { Count: 1 } token
        && context.RequestServices.GetRequiredService<MediaTokens>().IsValid(id, token.ToString());

    private static Microsoft.AspNetCore.Http.HttpResults.JsonHttpResult<ErrorEnvelope> TooMany(HttpContext context)
    {
        context.Response.Headers[HeaderNames.RetryAfter] = ((int)FailedAttemptLimiter.Window.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return ApiResults.Error(context, StatusCodes.Status429TooManyRequests, ErrorCodes.TooManyAttempts,
            "Too many failed attempts from this address; try again in a minute.");
    }
}
