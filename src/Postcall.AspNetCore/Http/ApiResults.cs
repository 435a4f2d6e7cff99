using Microsoft.AspNetCore.Http.HttpResults;

namespace Postcall.Http;

/// <summary>Builds the two envelopes, stamped with the request's id.</summary>
internal static class ApiResults
{
    public static Answer<SuccessEnvelope<T>> Success<T>(HttpContext context, string message, T data) =>
        new(new SuccessEnvelope<T>(message, context.RequestId(), data));

    public static JsonHttpResult<ErrorEnvelope> Error(HttpContext context, int statusCode, string errorCode, string message)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Outcome().Result = errorCode;
        return TypedResults.Json(new ErrorEnvelope(message, errorCode, context.RequestId()), AnswerJson.SerializerOptions, statusCode: statusCode);
    }

    /// <summary>Adds the error responses an endpoint can give to its OpenAPI description.</summary>
    public static RouteHandlerBuilder ProducesErrors(this RouteHandlerBuilder builder, params int[] statusCodes)
    {
        ArgumentNullException.ThrowIfNull(builder);
        foreach (var status in statusCodes)
        {
            builder.Produces<ErrorEnvelope>(status);
        }

        return builder;
    }
}
