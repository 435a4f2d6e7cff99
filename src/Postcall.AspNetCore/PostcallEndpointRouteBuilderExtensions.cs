using Postcall.Conversations;
using Postcall.Dashboard;
using Postcall.Forwarding;
using Postcall.Receiving;
using Postcall.Reconciling;

namespace Microsoft.AspNetCore.Builder;

/// <summary>
/// Maps Postcall's endpoints into an app. Each map returns its group, so the app adds its own authorization, rate
/// limiting, CORS or a path prefix (<c>app.MapGroup("/calls").MapPostcall()</c>). The read API, the destinations API
/// and the dashboard are opt-in; each checks Postcall's own keys (<c>POSTCALL_API_KEY</c>, <c>POSTCALL_ADMIN_KEY</c>)
/// whatever the app adds.
/// </summary>
public static class PostcallEndpointRouteBuilderExtensions
{
    /// <summary>
    /// <c>POST /webhook/post-call</c>: ElevenLabs' post-call webhooks, verified, stored durably, recorded for every
    /// destination and handler, then answered 200. Its body limit is Postcall's (<c>POSTCALL_MAX_BODY_BYTES</c>), not
    /// the server's, so recordings of tens of megabytes are taken.
    /// </summary>
    /// <param name="endpoints">The app, or a group of it.</param>
    public static RouteGroupBuilder MapPostcall(this IEndpointRouteBuilder endpoints)
    {
        var group = Group(endpoints);
        group.MapPostCall();
        return group;
    }

    /// <summary>
    /// The read API under <c>/api/conversations</c>: list and search calls, read one, its recording and raw payloads,
    /// delete one; and <c>/api/reconcile</c>, the sweeps that fetch from ElevenLabs' Conversations API what never
    /// arrived. Every request needs a key of <c>POSTCALL_API_KEY</c> (deleting and starting a sweep,
    /// <c>POSTCALL_ADMIN_KEY</c>).
    /// </summary>
    /// <param name="endpoints">The app, or a group of it.</param>
    public static RouteGroupBuilder MapPostcallReadApi(this IEndpointRouteBuilder endpoints)
    {
        var group = Group(endpoints);
        group.MapConversations();
        group.MapReconcile();
        return group;
    }

    /// <summary>
    /// The destinations API under <c>/api/destinations</c> and <c>/api/forwards</c>: where calls are forwarded, each
    /// forward with its attempts, and replays. HTTP destinations and handlers are listed alike. Reading needs a key of
    /// <c>POSTCALL_API_KEY</c>; changing, <c>POSTCALL_ADMIN_KEY</c>.
    /// </summary>
    /// <param name="endpoints">The app, or a group of it.</param>
    public static RouteGroupBuilder MapPostcallDestinations(this IEndpointRouteBuilder endpoints)
    {
        var group = Group(endpoints);
        group.MapForwarding();
        return group;
    }

    /// <summary>
    /// <c>/dashboard</c>: search, read and listen to calls, and see each destination and handler, in a browser. It
    /// calls the read and destinations APIs at <c>/api</c> of the same origin, so map those beside it, without a prefix.
    /// </summary>
    /// <param name="endpoints">The app, or a group of it.</param>
    public static RouteGroupBuilder MapPostcallDashboard(this IEndpointRouteBuilder endpoints)
    {
        var group = Group(endpoints);
        group.MapDashboard();
        return group;
    }

    private static RouteGroupBuilder Group(IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        return endpoints.MapGroup(string.Empty);
    }
}
