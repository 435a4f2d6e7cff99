using System.Net;

namespace Postcall.Http;

/// <summary>
/// Who a request comes from, as the host decided it: the client's address, and whether it is local (this machine,
/// not through a proxy or the tunnel). The service decides it in its own middleware; an app that embeds Postcall has
/// none, so the client is the connection's remote address (after the app's own forwarded-headers set-up) and no
/// request counts as local.
/// </summary>
internal sealed record RequestOrigin(IPAddress Client, bool IsLocal, bool ViaTunnel);
