using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;

namespace Postcall.Http;

/// <summary>A 201 <see cref="Answer{T}"/> with the <c>Location</c> of what was made.</summary>
internal sealed class CreatedAnswer<T>(string location, T value) : Answer<T>(value, StatusCodes.Status201Created), IEndpointMetadataProvider
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
    }
}
