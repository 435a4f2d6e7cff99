using System.Net;
using System.Text.Json;
using Postcall.Access;
using Postcall.Hosting;
using Postcall.Tests.Conversations;
using Postcall.Tests.Support;

namespace Postcall.Tests.Observability;

/// <summary>
/// What a request from elsewhere may see: through a proxy or the tunnel, /metrics needs an API key and readiness says
/// only which checks pass. Local requests see everything.
/// </summary>
public sealed class ExposureTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<HttpResponseMessage> GetAsync(HttpClient client, string path, string? forwardedFor = null, string? key = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }

        if (key is not null)
        {
            request.Headers.Authorization = new("Bearer", key);
        }

        return await client.SendAsync(request, Ct);
    }

    [Fact]
    public async Task Metrics_are_for_local_requests_and_key_holders_unless_made_public()
    {
        await using var service = await KestrelHost.StartAsync(new() { [PostcallSettings.ApiKeyVariable] = ApiTests.Key });
        using var client = service.CreateClient();

        using (var local = await GetAsync(client, "/metrics"))
        {
            Assert.Equal(HttpStatusCode.OK, local.StatusCode);
            Assert.Contains("postcall_", await local.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }

        using (var relayed = await GetAsync(client, "/metrics", forwardedFor: "203.0.113.7"))
        {
            var envelope = await Envelope.ReadAsync(relayed);
            Assert.Equal("api_key_missing", envelope.AssertError(HttpStatusCode.Unauthorized));
            Assert.Contains("POSTCALL_METRICS_PUBLIC", envelope.Field("message"), StringComparison.Ordinal);
        }

        using (var wrongKey = await GetAsync(client, "/metrics", forwardedFor: "203.0.113.7", key: "not-the-key-0123456789"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrongKey.StatusCode);
        }

        using (var withKey = await GetAsync(client, "/metrics", forwardedFor: "203.0.113.7", key: ApiTests.Key))
        {
            Assert.Equal(HttpStatusCode.OK, withKey.StatusCode);
        }

        await using var open = await KestrelHost.StartAsync(new() { [PostcallSettings.MetricsPublicVariable] = "true" });
        using var openClient = open.CreateClient();
        using var anyone = await GetAsync(openClient, "/metrics", forwardedFor: "203.0.113.7");
        Assert.Equal(HttpStatusCode.OK, anyone.StatusCode);
    }

    [Fact]
    public async Task Failed_metrics_keys_count_towards_the_same_limit()
    {
        await using var service = await KestrelHost.StartAsync(new()
        {
            [PostcallSettings.ApiKeyVariable] = ApiTests.Key,
            [PostcallSettings.TrustedProxiesVariable] = "127.0.0.1",
        });
        using var client = service.CreateClient();
        for (var i = 0; i < FailedAttemptLimiter.Attempts; i++)
        {
            using var wrong = await GetAsync(client, "/metrics", forwardedFor: "203.0.113.9", key: $"guess-{i}-0123456789");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var limited = await GetAsync(client, "/metrics", forwardedFor: "203.0.113.9", key: "guess-last-0123456789");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        using var right = await GetAsync(client, "/metrics", forwardedFor: "203.0.113.9", key: ApiTests.Key);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
    }

    [Fact]
    public async Task Readiness_details_are_for_local_requests_only()
    {
        await using var service = await KestrelHost.StartAsync();
        using var client = service.CreateClient();

        var local = await Envelope.ReadAsync(await GetAsync(client, "/health/ready"));
        Assert.Equal(HttpStatusCode.OK, local.Status);
        Assert.All(local.Data.EnumerateArray(), check => Assert.Equal(JsonValueKind.String, check.GetProperty("description").ValueKind));
        Assert.Contains("MB free", local.Data[0].GetProperty("description").GetString(), StringComparison.Ordinal);

        var relayed = await Envelope.ReadAsync(await GetAsync(client, "/health/ready", forwardedFor: "203.0.113.7"));
        Assert.Equal(HttpStatusCode.OK, relayed.Status);
        Assert.Equal(["storage", "index", "outbox"], relayed.Data.EnumerateArray().Select(c => c.GetProperty("name").GetString()));
        Assert.All(relayed.Data.EnumerateArray(), check => Assert.Equal(JsonValueKind.Null, check.GetProperty("description").ValueKind));
    }
}
