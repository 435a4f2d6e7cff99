using System.Net;
using Microsoft.Extensions.Primitives;

namespace Postcall.Http;

/// <summary>
/// Who a request comes from, decided once per request before anything else looks at it.
/// <list type="bullet">
/// <item>The client is the socket's peer, unless that peer is a trusted proxy (<c>POSTCALL_TRUSTED_PROXIES</c>) or the
/// request arrived on the tunnel's own loopback port: then it is the right-most address in <c>X-Forwarded-For</c> that
/// is not itself a trusted proxy. Nobody else's <c>X-Forwarded-For</c> counts, loopback's included, so a local process
/// cannot name whom it speaks for.</item>
/// <item>A request is local when its peer is loopback (or a Unix socket), it did not come through the tunnel, and it
/// carries no forwarding header: whatever a proxy on this machine relays from the internet is not local.</item>
/// </list>
/// </summary>
internal sealed class ClientOrigin
{
    public static readonly string[] ForwardingHeaders = ["X-Forwarded-For", "Forwarded", "X-Real-IP", "X-Forwarded-Host"];

    /// <summary>More hops than this in one <c>X-Forwarded-For</c> are not read.</summary>
    private const int MaxHops = 32;

    private readonly IReadOnlyList<IPNetwork> _trustedProxies;
    private readonly Tunnel.TunnelListener? _tunnel;

    /// <param name="tunnel">The loopback listener only the tunnel's agent is pointed at, when there is one.</param>
    public ClientOrigin(IReadOnlyList<IPNetwork> trustedProxies, Tunnel.TunnelListener? tunnel)
    {
        ArgumentNullException.ThrowIfNull(trustedProxies);
        _trustedProxies = trustedProxies;
        _tunnel = tunnel;
    }

    public RequestOrigin Decide(ConnectionInfo connection, IHeaderDictionary headers)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(headers);
        // No peer address: a Unix domain socket, which only processes on this machine can reach.
        var peer = Normalize(connection.RemoteIpAddress ?? IPAddress.Loopback);
        var viaTunnel = _tunnel is { } tunnel && tunnel.Carries(connection.LocalPort)
            && connection.LocalIpAddress is { } local && IPAddress.IsLoopback(local);
        var forwarded = ForwardingHeaders.Any(headers.ContainsKey);
        var isLocal = IPAddress.IsLoopback(peer) && !viaTunnel && !forwarded;
        var client = viaTunnel || IsTrustedProxy(peer) ? ForwardedClient(headers["X-Forwarded-For"]) ?? peer : peer;
        return new RequestOrigin(client, isLocal, viaTunnel);
    }

    private bool IsTrustedProxy(IPAddress address) => _trustedProxies.Any(n => n.Contains(Normalize(address)));

    /// <summary>The right-most hop that is not a trusted proxy; the left-most when all are; null when none parses.</summary>
    private IPAddress? ForwardedClient(StringValues values)
    {
        var hops = values.SelectMany(v => (v ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToList();
        IPAddress? client = null;
        for (var i = hops.Count - 1; i >= Math.Max(0, hops.Count - MaxHops); i--)
        {
            if (!TryParseHop(hops[i], out var hop))
            {
                break;
            }

            client = hop;
            if (!IsTrustedProxy(hop))
            {
                break;
            }
        }

        return client;
    }

    /// <summary>An address, with or without a port (<c>203.0.113.7:4711</c>, <c>[2001:db8::1]:443</c>).</summary>
    private static bool TryParseHop(string text, out IPAddress address)
    {
        address = IPAddress.None;
        if (!IPEndPoint.TryParse(text, out var endpoint))
        {
            return false;
        }

        address = Normalize(endpoint.Address);
        return true;
    }

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
