using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Postcall.Forwarding;
using Postcall.Hosting;
using Postcall.Tests.Support;

namespace Postcall.Tests.Observability;

/// <summary>Forwarding at DEBUG: no destination secret, signature, header value, URL token, body or receiver answer in any log.</summary>
public sealed class ForwardingLogHygieneTests
{
    [Fact]
    public async Task Forwarding_leaves_nothing_sensitive_in_the_logs()
    {
        const string AdminKey = "log-hygiene-admin-key-77c1";
        const string UrlToken = "url-token-in-query-93ab";
        const string HeaderSecret = "downstream-header-secret-5e2d";
        const string ReceiverAnswer = "receiver-answer-quoting-the-call-1f0c";
        var ct = TestContext.Current.CancellationToken;
        await using var receiver = await ForwardReceiver.StartAsync();
        receiver.Respond = (_, seen) => seen == 1 ? new(500, ReceiverAnswer) : new(200, ReceiverAnswer);
        var capture = new LogCapture();
        await using var factory = new PostcallFactory(new()
        {
            ["LOG_LEVEL"] = "DEBUG",
            ["DEBUG"] = "true",
            [PostcallSettings.AdminKeyVariable] = AdminKey,
            [ForwardSettings.UrlsVariable] = new Uri(receiver.Url, $"?token={UrlToken}").AbsoluteUri,
            [ForwardSettings.AllowPrivateVariable] = "true",
            [ForwardSettings.RetryScheduleVariable] = "0s,200ms",
        });
        var client = factory.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddLogging(l => l.AddProvider(capture)))).CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        using (var created = await client.PostAsJsonAsync("/api/destinations", new Dictionary<string, object>
        {
            ["url"] = new Uri(receiver.Url, "/api-made").AbsoluteUri,
            ["headers"] = new Dictionary<string, string> { ["Authorization"] = $"Bearer {HeaderSecret}" },
        }, ct))
        {
            created.EnsureSuccessStatusCode();
        }

        var transcription = Fixtures.Bytes("post_call_transcription.json");
        using (var delivered = await client.SendAsync(Deliveries.SignedRequest(transcription), ct))
        {
            delivered.EnsureSuccessStatusCode();
        }

        // Each destination fails once and then takes it: four requests in all.
        var requests = await receiver.WaitForAsync(_ => true, count: 4);
        await Task.Delay(500, ct);
        using var list = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/destinations", UriKind.Relative), ct));
        var secrets = list.RootElement.GetProperty("data").GetProperty("destinations").EnumerateArray().Select(d => d.GetProperty("secret").GetString()!).ToList();

        var logs = capture.AllText;
        Assert.Contains("[5001]", logs, StringComparison.Ordinal); // the capture did see the forwards delivered
        var forbidden = new List<string> { AdminKey, UrlToken, HeaderSecret, ReceiverAnswer, "whsec_", "Hey there angelo" };
        forbidden.AddRange(secrets.Select(s => s["whsec_".Length..]));
        forbidden.AddRange(requests.Select(r => r.Header("webhook-signature")!["v1,".Length..]));
        foreach (var secret in forbidden)
        {
            Assert.False(logs.Contains(secret, StringComparison.Ordinal),
                $"the logs contain {secret}: {capture.Entries.FirstOrDefault(e => e.Contains(secret, StringComparison.Ordinal))}");
        }
    }
}
