using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;

namespace Postcall.Http;

/// <summary>
/// A JSON answer written with Postcall's own serializer options (<see cref="AnswerJson.SerializerOptions"/>: snake_case, the
/// generated serializers first), never the host's JSON defaults: an app that embeds Postcall keeps its own, and
/// Postcall's envelopes stay as the earlier service wrote them. Described in OpenAPI as ASP.NET's own <c>Ok</c> is.
/// </summary>
internal class Answer<T>(T value, int statusCode = StatusCodes.Status200OK) : IResult, IEndpointMetadataProvider, IStatusCodeHttpResult, IValueHttpResult<T>
{
    public T Value => value;

    public int StatusCode => statusCode;

    int? IStatusCodeHttpResult.StatusCode => statusCode;

    T? IValueHttpResult<T>.Value => value;

    public virtual Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.StatusCode = statusCode;
        return httpContext.Response.WriteAsJsonAsync(value, AnswerJson.SerializerOptions, httpContext.RequestAborted);
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(T), ["application/json"]));
    }
}
