using System.Net;
using System.Net.Sockets;

namespace Postcall.Forwarding;

/// <summary>
/// Keeps destinations made through the API off the private network (server-side request forgery): only global unicast
/// addresses, decided from IANA's special-purpose address registries. The check runs on
/// the address actually connected to, for every connection, so a name that resolved to a public address when the
/// destination was made and to an internal one later (DNS rebinding) is still refused.
/// </summary>
internal static class DestinationAddresses
{
    /// <summary>
    /// IPv4 ranges that are not global unicast, from IANA's IPv4 special-purpose address registry: this network,
    /// private, shared (CGN), loopback, link-local, IETF protocol assignments, the documentation (TEST-NET) ranges, the
    /// 6to4 relay anycast, benchmarking, and everything from 224.0.0.0 up (multicast, reserved, broadcast).
    /// </summary>
    private static readonly IPNetwork[] NotGlobalV4 =
    [
        IPNetwork.Parse("0.0.0.0/8"),
        IPNetwork.Parse("10.0.0.0/8"),
        IPNetwork.Parse("100.64.0.0/10"),
        IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"),
        IPNetwork.Parse("172.16.0.0/12"),
        IPNetwork.Parse("192.0.0.0/24"),
        IPNetwork.Parse("192.0.2.0/24"),
        IPNetwork.Parse("192.88.99.0/24"),
        IPNetwork.Parse("192.168.0.0/16"),
        IPNetwork.Parse("198.18.0.0/15"),
        IPNetwork.Parse("198.51.100.0/24"),
        IPNetwork.Parse("203.0.113.0/24"),
        IPNetwork.Parse("224.0.0.0/3"),
    ];

    /// <summary>IPv6 global unicast (IANA's IPv6 address space registry): every other /3 is reserved, local or multicast.</summary>
    private static readonly IPNetwork GlobalUnicastV6 = IPNetwork.Parse("2000::/3");

    /// <summary>
    /// Parts of 2000::/3 that are not global unicast, from IANA's IPv6 special-purpose address registry: IETF protocol
    /// assignments (Teredo, benchmarking, ORCHID and the rest of 2001::/23) and the documentation ranges.
    /// </summary>
    private static readonly IPNetwork[] NotGlobalV6 =
    [
        IPNetwork.Parse("2001::/23"),
        IPNetwork.Parse("2001:db8::/32"),
        IPNetwork.Parse("3fff::/20"),
    ];

    /// <summary>The well-known NAT64 prefix (RFC 6052): a NAT64 gateway connects to the IPv4 address in the last 32 bits.</summary>
    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");

    /// <summary>6to4 (RFC 3056): bits 16 to 47 are the IPv4 address a relay delivers to.</summary>
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");

    /// <summary>
    /// Whether a destination may be sent to at <paramref name="address"/>: only global unicast. Loopback, private,
    /// link-local, site-local, shared, documentation, reserved and multicast addresses are refused, and so are the
    /// deprecated IPv4-compatible and IPv4-translated forms; an address that carries an IPv4 address for a gateway to
    /// reach (IPv4-mapped, NAT64, 6to4) is judged by that IPv4 address.
    /// </summary>
    public static bool IsPublic(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            return !NotGlobalV4.Any(n => n.Contains(address));
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }

        if (address.IsIPv4MappedToIPv6 || Nat64.Contains(address))
        {
            return IsPublic(new IPAddress(address.GetAddressBytes()[12..]));
        }

        if (SixToFour.Contains(address))
        {
            return IsPublic(new IPAddress(address.GetAddressBytes()[2..6]));
        }

        return GlobalUnicastV6.Contains(address) && !NotGlobalV6.Any(n => n.Contains(address));
    }

    /// <summary>The addresses <paramref name="host"/> stands for: itself when it is an address, else what DNS says now.</summary>
    public static async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        return IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
    }

    /// <summary>
    /// Connects to the first public address of the request's host, or throws <see cref="HttpRequestException"/>. The
    /// message does not name the address the host resolved to: it is stored with the attempt, which read keys see,
    /// and would tell them what internal names resolve to.
    /// </summary>
    public static async ValueTask<Stream> ConnectPublicAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var host = context.DnsEndPoint.Host;
        var addresses = await ResolveAsync(host, cancellationToken);
        var allowed = addresses.Where(IsPublic).ToArray();
        if (allowed.Length == 0)
        {
            throw new HttpRequestException(HttpRequestError.ConnectionError,
                $"refused: {host} {(addresses.Length == 0 ? "resolves to no address" : "is not a public address")} ({ForwardSettings.AllowPrivateVariable})");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
