using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Postcall.ElevenLabs;
using Postcall.Tests.Support;

namespace Postcall.Tests.Observability;

/// <summary>No secret, signature value, transcript text or audio in any log, at any level, whatever the request.</summary>
public sealed class LogHygieneTests
{
    [Fact]
    public async Task Nothing_sensitive_reaches_the_logs_across_every_endpoint()
    {
        var capture = new LogCapture();
        const string ApiKey = "log-hygiene-api-key-31f8";
        await using var factory = new PostcallFactory(new() { ["LOG_LEVEL"] = "DEBUG", ["DEBUG"] = "true", ["POSTCALL_API_KEY"] = ApiKey });
        // The capture gets what the console gets: the service's own level and category rules apply to it.
        var client = factory.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddLogging(l => l.AddProvider(capture)))).CreateClient();
        var ct = TestContext.Current.CancellationToken;
        var signatures = new List<string>();

        async Task PostAsync(byte[] body, string? contentType = "application/json", string secret = Fixtures.Secret, long? timestamp = null)
        {
            var request = Deliveries.SignedRequest(body, contentType, secret, timestamp);
            signatures.Add(request.Headers.GetValues(SignatureHeader.Name).Single());
            using var response = await client.SendAsync(request, ct);
        }

        var transcription = Fixtures.Bytes("post_call_transcription.json");
        await PostAsync(transcription);
        await PostAsync(transcription);
        await PostAsync(Fixtures.Bytes("post_call_audio.json"));
        await PostAsync(Fixtures.Bytes("call_initiation_failure_twilio.json"));
        await PostAsync(transcription, secret: "wsec_wrong_secret_for_logs");
        await PostAsync(transcription, timestamp: Deliveries.Now - 7200);
        await PostAsync(Encoding.UTF8.GetBytes("{\"type\":\"post_call_audio\",\"data\":{\"conversation_id\":\"x\",\"full_audio\":\"SUQzAwAAAAAAc1RTU0U!\"}}"));
        await PostAsync(transcription[..^10]);
        await PostAsync(transcription, "text/plain");
        using var form = Deliveries.SeedAudioForm("logs-form", Fixtures.Bytes("sample_call.mp3"));
        await PostAsync(await form.ReadAsByteArrayAsync(ct), form.Headers.ContentType!.ToString());
        await File.WriteAllTextAsync(Path.Combine(factory.PayloadRoot, "blocked-log"), "x", ct);
        await PostAsync(Encoding.UTF8.GetBytes(Deliveries.Transcription("blocked-log").Replace("Hello", "Confidential words", StringComparison.Ordinal)));
        foreach (var path in new[] { "/health", "/health/ready", "/metrics", "/openapi.json", "/docs/index.html", "/nowhere" })
        {
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative), ct);
        }

        foreach (var path in new[] { "/webhook", "/echo" })
        {
            using var response = await client.PostAsync(new Uri(path, UriKind.Relative),
                new StringContent("""{"event_type":"private.event","data":{"note":"Confidential words"}}""", Encoding.UTF8, "application/json"), ct);
        }

        var mediaToken = await BrowseAsync(client, ApiKey, ct);

        var logs = capture.AllText;
        Assert.Contains("webhook_type=transcription", logs, StringComparison.Ordinal); // the capture did see the requests
        using var fixture = JsonDocument.Parse(transcription);
        var data = fixture.RootElement.GetProperty("data");
        var forbidden = new List<string>
        {
            Fixtures.Secret, "wsec_wrong_secret_for_logs", "wsec_", ApiKey, "wrong-api-key-for-logs", mediaToken, "secretword",
            "Hey there angelo", "fun fact about 11 Labs", "Confidential words",
            data.GetProperty("analysis").GetProperty("transcript_summary").GetString()![..40],
            Convert.ToBase64String(Fixtures.Bytes("sample_call.mp3"))[100..140],
        };
        forbidden.AddRange(signatures.Select(s => s.Split("v0=")[1]));
        foreach (var secret in forbidden)
        {
            Assert.False(logs.Contains(secret, StringComparison.Ordinal),
                $"the logs contain {secret}: {capture.Entries.FirstOrDefault(e => e.Contains(secret, StringComparison.Ordinal))}");
        }
    }

    /// <summary>Every read API route, with right and wrong keys and a search; returns the media token it was given.</summary>
    private static async Task<string> BrowseAsync(HttpClient client, string apiKey, CancellationToken ct)
    {
        async Task<string> GetAsync(string path, string key)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Authorization = new("Bearer", key);
            using var response = await client.SendAsync(request, ct);
            return await response.Content.ReadAsStringAsync(ct);
        }

        await GetAsync("/api/conversations?q=angelo%20secretword", apiKey);
        await GetAsync("/api/conversations", "wrong-api-key-for-logs");
        await GetAsync("/api/conversations/logs-form/raw/transcription", apiKey);
        await GetAsync("/dashboard", apiKey);
        using var detail = JsonDocument.Parse(await GetAsync("/api/conversations/logs-form", apiKey));
        var audio = detail.RootElement.GetProperty("data").GetProperty("links").GetProperty("audio").GetString()!;
        await GetAsync(audio, "not-needed-with-a-media-token");
        using var delete = new HttpRequestMessage(HttpMethod.Delete, "/api/conversations/logs-form");
        delete.Headers.Authorization = new("Bearer", apiKey);
        using var deleted = await client.SendAsync(delete, ct);
        Assert.Equal(System.Net.HttpStatusCode.OK, deleted.StatusCode);
        return audio[(audio.IndexOf('=', StringComparison.Ordinal) + 1)..];
    }

    [Fact]
    public async Task Kestrel_does_not_quote_payload_text_from_malformed_requests_even_at_debug()
    {
        var workDir = Directory.CreateTempSubdirectory("postcall-hygiene-").FullName;
        try
        {
            using var service = new ServiceProcess(workDir, new()
            {
                ["ELEVENLABS_POST_CALL_HMAC_KEY"] = Fixtures.Secret,
                ["LOG_LEVEL"] = "DEBUG",
            }, "--urls", ServiceProcess.AnyPort);
            using var client = await service.ClientAsync();
            var port = client.BaseAddress!.Port;

            // A transcript where Kestrel expects a request line.
            using (var socket = new System.Net.Sockets.TcpClient())
            {
                await socket.ConnectAsync(System.Net.IPAddress.Loopback, port, TestContext.Current.CancellationToken);
                await socket.GetStream().WriteAsync(Fixtures.Bytes("post_call_transcription.json"), TestContext.Current.CancellationToken);
                await socket.GetStream().WriteAsync("\r\n\r\n"u8.ToArray(), TestContext.Current.CancellationToken);
                _ = await socket.GetStream().ReadAtLeastAsync(new byte[256], 1, throwOnEndOfStream: false, TestContext.Current.CancellationToken);
            }

            using (await client.GetAsync(new Uri("/health", UriKind.Relative), TestContext.Current.CancellationToken))
            {
            }

            await service.WaitForOutputAsync(line => line.Contains("GET /health", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
            var logs = string.Join('\n', service.OutputLines);
            Assert.Contains("dbug:", logs, StringComparison.Ordinal);
            Assert.DoesNotContain("post_call_transcription", logs, StringComparison.Ordinal);
            Assert.DoesNotContain("angelo", logs, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(workDir, recursive: true);
        }
    }

    [Fact]
    public async Task What_a_client_sends_cannot_forge_flood_or_colour_a_log_line()
    {
        var workDir = Directory.CreateTempSubdirectory("postcall-hygiene-").FullName;
        try
        {
            using var service = new ServiceProcess(workDir, new() { ["ELEVENLABS_POST_CALL_HMAC_KEY"] = Fixtures.Secret }, "--urls", ServiceProcess.AnyPort);
            using var client = await service.ClientAsync();
            var ct = TestContext.Current.CancellationToken;

            // JSON escapes: the service decodes them into a real CR, LF, ESC and line separator.
            var eventType = "evil\\r\\nforged line\\u001b[2J\\u2028" + new string('x', 1_000_000);
            using (var generic = await client.PostAsync(new Uri("/webhook", UriKind.Relative),
                new StringContent($$"""{"event_type":"{{eventType}}"}""", Encoding.UTF8, "application/json"), ct))
            {
                Assert.Equal(System.Net.HttpStatusCode.OK, generic.StatusCode);
            }

            using (await client.GetAsync(new Uri("/nowhere%0D%0Aforged%20path%1B%5B31m", UriKind.Relative), ct))
            {
            }

            // Both request lines have been written once the second one is (one logger, in order).
            await service.WaitForOutputAsync(line => line.Contains("GET /nowhere", StringComparison.Ordinal), TimeSpan.FromSeconds(10));
            var lines = service.OutputLines;
            Assert.All(lines, line =>
            {
                Assert.True(line.Length < 1000, $"a log line of {line.Length} characters");
                Assert.DoesNotContain('\u001b', line);
                Assert.DoesNotContain('\u2028', line);
                Assert.False(line.TrimStart().StartsWith("forged", StringComparison.Ordinal), $"a forged line: {line}");
            });
            Assert.Contains(lines, line => line.Contains("POST /webhook", StringComparison.Ordinal)
                && line.Contains("webhook_type=evil\\x0D\\x0Aforged line\\x1B[2J\\u2028xxx", StringComparison.Ordinal));
            Assert.Contains(lines, line => line.Contains("GET /nowhere\\x0D\\x0Aforged path\\x1B[31m", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(workDir, recursive: true);
        }
    }
}
