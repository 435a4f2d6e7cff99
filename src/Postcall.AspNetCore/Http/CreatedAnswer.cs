using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;

namespace Postcall.Http;

/// <summary>
/// A 201 <see cref="Answer{T}"/> with the <c>Location</c> of what was made; or, with <paramref name="accepted"/>, a
/// 202 with the <c>Location</c> of what was started (its progress).
/// </summary>
internal sealed class CreatedAnswer<T>(string location, T value, bool accepted = false)
    : Answer<T>(value, accepted ? StatusCodes.Status202Accepted : StatusCodes.Status201Created), IEndpointMetadataProvider
{
    public override Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.Headers.Location = location;
        return base.ExecuteAsync(httpContext);
    }

    public static new void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status201Created, typeof(T), ["application/json"]));
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status202Accepted, typeof(T), ["application/json"]));
    }
}
