using System.Net;
using Microsoft.AspNetCore.Http;
using Postcall.Conversations;
using Postcall.Hosting;
using Postcall.Http;
using Postcall.Tests.Support;

namespace Postcall.Tests.Conversations;

/// <summary>
/// Failed keys are counted per client. Behind a proxy on the same machine (the tunnel's ngrok agent) the client is
/// the one the proxy names in X-Forwarded-For; anyone else's X-Forwarded-For is ignored.
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

    [Fact]
    public async Task Behind_a_local_proxy_one_clients_failures_lock_out_only_that_client()
    {
        await using var service = await KestrelHost.StartAsync(new() { [PostcallSettings.ApiKeyVariable] = ApiTests.Key });
        using var client = service.CreateClient();
        for (var i = 0; i < FailedAttemptLimiter.Attempts; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await Envelope.SendAsync(client, List("wrong-key-0123456789", "203.0.113.7"))).Status);
        }

        var refused = await Envelope.SendAsync(client, List(ApiTests.Key, "203.0.113.7"));
        Assert.Equal(ErrorCodes.TooManyAttempts, refused.AssertError(HttpStatusCode.TooManyRequests));
        // A client that says it is someone else is believed only from the proxy's last hop: the real client's address.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await Envelope.SendAsync(client, List(ApiTests.Key, "198.51.100.1, 203.0.113.7"))).Status);

        Assert.Equal(HttpStatusCode.OK, (await Envelope.SendAsync(client, List(ApiTests.Key, "203.0.113.8"))).Status);
        Assert.Equal(HttpStatusCode.OK, (await Envelope.SendAsync(client, List(ApiTests.Key, forwardedFor: null))).Status);
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

        Assert.Equal(StatusCodes.Status429TooManyRequests, await ListFromAsync(ApiTests.Key, 99));
    }
}
