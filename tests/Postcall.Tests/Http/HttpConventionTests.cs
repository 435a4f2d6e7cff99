using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Postcall.Tests.Support;

namespace Postcall.Tests.Http;

public sealed class HttpConventionTests : ServiceTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Health_keeps_the_old_body_exactly()
    {
        using var response = await Factory.CreateClient().GetAsync(new Uri("/health", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"status":"healthy","message":"Service is running"}""", await response.Content.ReadAsStringAsync(Ct));
        Assert.True(response.Headers.Contains("X-Request-ID"));
    }

    [Fact]
    public async Task A_stored_delivery_and_a_refusal_keep_their_envelopes_exactly()
    {
        var client = Factory.CreateClient();
        using var stored = await client.SendAsync(Deliveries.SignedRequest(Deliveries.Transcription("exact")), Ct);
        var id = stored.Headers.GetValues("X-Request-ID").Single();
        var file = Path.Combine(Factory.PayloadRoot, "exact", "exact_transcription.json");
        Assert.Equal(
            $$$"""{"status":"success","message":"Transcription webhook processed and saved","request_id":"{{{id}}}","data":{"file_path":"{{{file}}}","webhook_type":"transcription","duplicate":false}}""",
            await stored.Content.ReadAsStringAsync(Ct));

        using var refused = await client.PostAsync(new Uri("/webhook/post-call", UriKind.Relative), new StringContent("{}"), Ct);
        id = refused.Headers.GetValues("X-Request-ID").Single();
        Assert.Equal(
            $$"""{"status":"error","message":"The elevenlabs-signature header is missing.","error_code":"signature_missing","request_id":"{{id}}"}""",
            await refused.Content.ReadAsStringAsync(Ct));
    }

    [Theory]
    [InlineData("GET", "/nowhere", HttpStatusCode.NotFound, "not_found")]
    [InlineData("DELETE", "/health", HttpStatusCode.MethodNotAllowed, "method_not_allowed")]
    [InlineData("GET", "/webhook/post-call", HttpStatusCode.MethodNotAllowed, "method_not_allowed")]
    public async Task Framework_errors_use_the_error_envelope(string method, string path, HttpStatusCode status, string code)
    {
        var response = await Envelope.SendAsync(Factory.CreateClient(), new HttpRequestMessage(new HttpMethod(method), path));
        Assert.Equal(code, response.AssertError(status));
    }

    [Fact]
    public async Task Request_ids_are_reused_when_well_formed_and_replaced_otherwise()
    {
        var client = Factory.CreateClient();
        foreach (var (incoming, reused) in new[]
        {
            ("3f2504e0-4f89-11d3-9a0c-0305e82c3301", true),
            ("trace.abc_123-XYZ", true),
            (new string('a', 64), true),
            (new string('a', 65), false),
            ("has space", false),
            ("<script>", false),
        })
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/webhook") { Content = new StringContent("{}") };
            request.Headers.TryAddWithoutValidation("X-Request-ID", incoming);
            var response = await Envelope.SendAsync(client, request);
            Assert.Equal(response.RequestIdHeader, response.Field("request_id"));
            Assert.Equal(reused, response.RequestIdHeader == incoming);
            Assert.True(reused || Guid.TryParse(response.RequestIdHeader, out _));
        }
    }

    [Fact]
    public async Task Cors_is_open_to_any_origin_and_exposes_the_request_id()
    {
        var client = Factory.CreateClient();
        var preflight = new HttpRequestMessage(HttpMethod.Options, "/webhook/post-call");
        preflight.Headers.Add("Origin", "https://example.test");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "elevenlabs-signature,content-type");
        using var answer = await client.SendAsync(preflight, Ct);
        Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);
        Assert.Equal("*", answer.Headers.GetValues("Access-Control-Allow-Origin").Single());

        var get = new HttpRequestMessage(HttpMethod.Get, "/health");
        get.Headers.Add("Origin", "https://example.test");
        using var response = await client.SendAsync(get, Ct);
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("X-Request-ID", response.Headers.GetValues("Access-Control-Expose-Headers").Single(), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("/webhook", "POST", true)]
    [InlineData("/echo", "POST", true)]
    [InlineData("/metrics", "GET", false)]
    [InlineData("/health/ready", "GET", false)]
    [InlineData("/api/conversations", "GET", false)]
    [InlineData("/api/destinations", "GET", false)]
    [InlineData("/dashboard", "GET", false)]
    [InlineData("/openapi.json", "GET", false)]
    public async Task Only_the_webhooks_echo_and_liveness_answer_other_origins(string path, string method, bool open)
    {
        var client = Factory.CreateClient();
        var preflight = new HttpRequestMessage(HttpMethod.Options, path);
        preflight.Headers.Add("Origin", "https://example.test");
        preflight.Headers.Add("Access-Control-Request-Method", method);
        using var preflightAnswer = await client.SendAsync(preflight, Ct);
        Assert.Equal(open, preflightAnswer.Headers.Contains("Access-Control-Allow-Origin"));

        // A local request from a page of another origin (what a browser on the operator's machine sends).
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        request.Headers.Add("Origin", "https://example.test");
        if (method == "POST")
        {
            request.Content = new StringContent("""{"event_type":"x"}""", System.Text.Encoding.UTF8, "application/json");
        }

        using var response = await client.SendAsync(request, Ct);
        Assert.Equal(open, response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Docs_are_served_offline_with_an_openapi_document_describing_every_endpoint()
    {
        var client = Factory.CreateClient();
        var html = await client.GetStringAsync(new Uri("/docs/index.html", UriKind.Relative), Ct);
        Assert.Contains("swagger", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        using var bundle = await client.GetAsync(new Uri("/docs/swagger-ui-bundle.js", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, bundle.StatusCode);

        using var doc = JsonDocument.Parse(await client.GetStringAsync(new Uri("/openapi.json", UriKind.Relative), Ct));
        var paths = doc.RootElement.GetProperty("paths");
        foreach (var path in new[] { "/webhook/post-call", "/webhook", "/echo", "/health", "/health/ready" })
        {
            Assert.True(paths.TryGetProperty(path, out _), path);
        }

        var postCall = paths.GetProperty("/webhook/post-call").GetProperty("post");
        var responses = postCall.GetProperty("responses");
        foreach (var status in new[] { "200", "400", "401", "413", "415", "503" })
        {
            Assert.True(responses.TryGetProperty(status, out _), status);
        }

        var content = postCall.GetProperty("requestBody").GetProperty("content");
        Assert.True(content.TryGetProperty("application/json", out var json));
        Assert.Equal(2, json.GetProperty("schema").GetProperty("oneOf").GetArrayLength());
        Assert.True(content.TryGetProperty("multipart/form-data", out _));
        Assert.Contains(postCall.GetProperty("parameters").EnumerateArray(), p => p.GetProperty("name").GetString() == "elevenlabs-signature");
    }

    [Fact]
    public async Task An_unexpected_exception_is_an_envelope_without_a_stack_trace()
    {
        await using var factory = new PostcallFactory();
        var client = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IStartupFilter>(new ThrowingRoute()))).CreateClient();
        using var response = await client.GetAsync(new Uri("/boom", UriKind.Relative), Ct);
        var envelope = await Envelope.ReadAsync(response);
        Assert.Equal("internal_error", envelope.AssertError(HttpStatusCode.InternalServerError));
        Assert.DoesNotContain("secret detail", envelope.Body.GetRawText(), StringComparison.Ordinal);
    }

    private sealed class ThrowingRoute : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Map("/boom", b => b.Run(_ => throw new InvalidOperationException("secret detail")));
        };
    }
}
