using System.Net;

namespace Postcall.Http;

internal static class RequestOrigins
{
    /// <summary>The request's origin; a request the host did not decide counts as remote.</summary>
    public static RequestOrigin Origin(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<RequestOrigin>() ?? new RequestOrigin(context.Connection.RemoteIpAddress ?? IPAddress.None, false, false);
    }
}
