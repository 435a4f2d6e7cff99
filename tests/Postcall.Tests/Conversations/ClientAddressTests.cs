using System.Net;
using Microsoft.AspNetCore.Http;
using Postcall.Access;
using Postcall.Hosting;
using Postcall.Http;
using Postcall.Tests.Support;

namespace Postcall.Tests.Conversations;

/// <summary>
/// Failed keys are counted per client. Only a trusted proxy (POSTCALL_TRUSTED_PROXIES, or the tunnel's own listener)
/// may say who the client is in X-Forwarded-For; anyone else's, loopback's included, is ignored. A correct key always
/// works, whoever failed before it.
/// </summary>
public sealed class ClientAddressTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static HttpRequestMessage List(string key, string? forwardedFor)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/conversations");
        request.Headers.Authorization = new("Bearer", key);
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        return request;
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, string key, string? forwardedFor) =>
        (await Envelope.SendAsync(client, List(key, forwardedFor))).Status;

    [Fact]
    public async Task A_local_process_cannot_escape_the_limit_by_rotating_x_forwarded_for()
    {
        await using var service = await KestrelHost.StartAsync(new() { [PostcallSettings.ApiKeyVariable] = ApiTests.Key });
        using var client = service.CreateClient();
        for (var i = 0; i < FailedAttemptLimiter.Attempts; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(client, "wrong-key-0123456789", $"192.0.2.{i}"));
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, await StatusAsync(client, "wrong-key-0123456789", "192.0.2.200"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await StatusAsync(client, "wrong-key-0123456789", forwardedFor: null));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, ApiTests.Key, "192.0.2.201"));
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_one_clients_failures_limit_only_that_client()
    {
        await using var service = await KestrelHost.StartAsync(new()
        {
            [PostcallSettings.ApiKeyVariable] = ApiTests.Key,
            [PostcallSettings.TrustedProxiesVariable] = "127.0.0.1, 10.0.0.0/8",
        });
        using var client = service.CreateClient();
        for (var i = 0; i < FailedAttemptLimiter.Attempts; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(client, "wrong-key-0123456789", "203.0.113.7"));
        }

        var refused = await Envelope.SendAsync(client, List("wrong-key-0123456789", "203.0.113.7"));
        Assert.Equal(ErrorCodes.TooManyAttempts, refused.AssertError(HttpStatusCode.TooManyRequests));
        // What the client itself prepends is not believed: the right-most hop that is not a trusted proxy is the client.
        Assert.Equal(HttpStatusCode.TooManyRequests, await StatusAsync(client, "wrong-key-0123456789", "198.51.100.1, 203.0.113.7"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await StatusAsync(client, "wrong-key-0123456789", "203.0.113.7, 10.1.2.3"));

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(client, "wrong-key-0123456789", "203.0.113.8"));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(client, "wrong-key-0123456789", forwardedFor: null));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, ApiTests.Key, "203.0.113.7"));
    }

    [Fact]
    public async Task A_remote_client_cannot_escape_the_limit_by_naming_other_addresses()
    {
        await using var factory = new PostcallFactory(new() { [PostcallSettings.ApiKeyVariable] = ApiTests.Key });
        async Task<int> ListFromAsync(string key, int attempt)
        {
            var context = await factory.Server.SendAsync(c =>
            {
                c.Connection.RemoteIpAddress = IPAddress.Parse("198.51.100.20");
                c.Request.Method = HttpMethods.Get;
                c.Request.Path = "/api/conversations";
                c.Request.Headers.Authorization = $"Bearer {key}";
                c.Request.Headers["X-Forwarded-For"] = $"192.0.2.{attempt}";
            }, Ct);
            return context.Response.StatusCode;
        }

        for (var i = 0; i < FailedAttemptLimiter.Attempts; i++)
        {
            Assert.Equal(StatusCodes.Status401Unauthorized, await ListFromAsync("wrong-key-0123456789", i));
        }

        Assert.Equal(StatusCodes.Status429TooManyRequests, await ListFromAsync("wrong-key-0123456789", 99));
        Assert.Equal(StatusCodes.Status200OK, await ListFromAsync(ApiTests.Key, 100));
    }
}

public sealed class ClientOriginTests
{
    private const int TunnelPort = 41234;

    private static readonly ClientOrigin Origins = new([IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("2001:db8::/32")], Listening(TunnelPort));

    private static Tunnel.TunnelListener Listening(int port)
    {
        var tunnel = new Tunnel.TunnelListener();
        tunnel.Bound(port);
        return tunnel;
    }

    [Fact]
    public void Before_the_tunnel_listener_has_its_port_no_loopback_request_counts_as_local()
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Loopback;
        context.Connection.LocalIpAddress = IPAddress.Loopback;
        context.Connection.LocalPort = 8000;
        var origin = new ClientOrigin([], new Tunnel.TunnelListener()).Decide(context.Connection, context.Request.Headers);
        Assert.False(origin.IsLocal);
        Assert.True(origin.ViaTunnel);
    }

    private static RequestOrigin Decide(string peer, string? forwardedFor = null, int localPort = 8000, string? header = null)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(peer);
        context.Connection.LocalIpAddress = IPAddress.Loopback;
        context.Connection.LocalPort = localPort;
        if (forwardedFor is not null)
        {
            context.Request.Headers[header ?? "X-Forwarded-For"] = forwardedFor;
        }

        return Origins.Decide(context.Connection, context.Request.Headers);
    }

    [Theory]
    [InlineData("127.0.0.1", null, "127.0.0.1", true)]
    [InlineData("::1", null, "::1", true)]
    [InlineData("::ffff:127.0.0.1", null, "127.0.0.1", true)]
    [InlineData("127.0.0.1", "203.0.113.7", "127.0.0.1", false)]
    [InlineData("198.51.100.4", "203.0.113.7", "198.51.100.4", false)]
    [InlineData("10.0.0.5", null, "10.0.0.5", false)]
    [InlineData("10.0.0.5", "203.0.113.7", "203.0.113.7", false)]
    [InlineData("10.0.0.5", "198.51.100.1, 203.0.113.7", "203.0.113.7", false)]
    [InlineData("10.0.0.5", "203.0.113.7, 10.9.9.9", "203.0.113.7", false)]
    [InlineData("10.0.0.5", "203.0.113.7:4711", "203.0.113.7", false)]
    [InlineData("10.0.0.5", "[2001:db9::1]:443", "2001:db9::1", false)]
    [InlineData("::ffff:10.0.0.5", "203.0.113.7", "203.0.113.7", false)]
    [InlineData("2001:db8::7", "203.0.113.7", "203.0.113.7", false)]
    [InlineData("10.0.0.5", "10.0.0.6, 10.0.0.7", "10.0.0.6", false)]
    [InlineData("10.0.0.5", "not-an-address", "10.0.0.5", false)]
    [InlineData("10.0.0.5", "203.0.113.7, garbage, 10.0.0.9", "10.0.0.9", false)]
    public void The_client_is_the_right_most_hop_a_trusted_proxy_names(string peer, string? forwardedFor, string client, bool local)
    {
        var origin = Decide(peer, forwardedFor);
        Assert.Equal(IPAddress.Parse(client), origin.Client);
        Assert.Equal(local, origin.IsLocal);
    }

    [Fact]
    public void What_arrives_on_the_tunnels_port_is_never_local_and_names_its_client()
    {
        var origin = Decide("127.0.0.1", "203.0.113.7", localPort: TunnelPort);
        Assert.Equal((IPAddress.Parse("203.0.113.7"), false, true), (origin.Client, origin.IsLocal, origin.ViaTunnel));
        Assert.False(Decide("127.0.0.1", localPort: TunnelPort).IsLocal);
    }

    [Theory]
    [InlineData("Forwarded")]
    [InlineData("X-Real-IP")]
    [InlineData("X-Forwarded-Host")]
    public void Any_forwarding_header_makes_a_loopback_request_remote(string header) =>
        Assert.False(Decide("127.0.0.1", "203.0.113.7", header: header).IsLocal);
}
