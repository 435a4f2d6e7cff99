using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Postcall.ElevenLabs;
using Postcall.Tests.Handlers;
using Postcall.Tests.Support;

namespace Postcall.Tests.Packages;

/// <summary>
/// Postcall.AspNetCore in an app of its own making: the app's JSON defaults, no middleware of Postcall's, a path
/// prefix. Postcall's answers and bodies keep the service's names, and the app's own routes keep the app's.
/// </summary>
public sealed class EmbeddedAppTests : IAsyncDisposable
{
    private const string ReadKey = "embedded-read-key-5c1e";
    private const string AdminKey = "embedded-admin-key-9d2f";

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("postcall-embedded-");
    private readonly HandlerLog _log = new();
    private WebApplication? _app;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private async Task<HttpClient> StartAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        // The app's own JSON defaults, which Postcall must neither change nor depend on.
        builder.Services.Configure<JsonOptions>(o => o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.CamelCase);
        builder.Services.AddPostcall(o =>
        {
            o.WebhookSecrets.Add(Fixtures.Secret);
            o.PayloadPath = _root.FullName;
            o.Settings["POSTCALL_API_KEY"] = ReadKey;
            o.Settings["POSTCALL_ADMIN_KEY"] = AdminKey;
            o.Settings["POSTCALL_FORWARD_ALLOW_PRIVATE"] = "true";
        });
        builder.Services.AddSingleton(_log);
        builder.Services.AddScoped<AttemptScope>();
        builder.Services.AddPostCallHandler<RecordingHandler>("recorder");
        builder.Services.AddHealthChecks();

        _app = builder.Build();
        _app.MapGroup("/elevenlabs").MapPostcall();
        _app.MapPostcallReadApi();
        _app.MapPostcallDestinations();
        _app.MapHealthChecks("/ready");
        _app.MapGet("/mine", () => new { SomeValue = 1 });
        await _app.StartAsync(Cancel);
        return _app.GetTestClient();
    }

    [Fact]
    public async Task A_delivery_is_stored_answered_in_the_services_envelope_and_handed_to_the_handler()
    {
        using var client = await StartAsync();

        using var request = Deliveries.SignedRequest(Deliveries.Transcription("embedded-1"));
        request.RequestUri = new Uri("/elevenlabs/webhook/post-call", UriKind.Relative);
        using var response = await client.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel));
        Assert.Equal("success", body.RootElement.GetProperty("status").GetString());
        // The envelope's request id is echoed in the header, as the service's middleware does.
        Assert.Equal(body.RootElement.GetProperty("request_id").GetString(), response.Headers.GetValues("X-Request-ID").Single());
        Assert.Equal("transcription", body.RootElement.GetProperty("data").GetProperty("webhook_type").GetString());
        Assert.False(body.RootElement.GetProperty("data").GetProperty("duplicate").GetBoolean());
        var call = Assert.Single(await _log.WaitForAsync(1));
        Assert.Equal("embedded-1", Assert.IsType<TranscriptionEvent>(call.Event).Data.ConversationId);
        Assert.True(File.Exists(Path.Combine(_root.FullName, "embedded-1", "embedded-1_transcription.json")));

        // Without a prefix there is no receiver: the app put it under /elevenlabs.
        using var elsewhere = Deliveries.SignedRequest(Deliveries.Transcription("embedded-2"));
        Assert.Equal(HttpStatusCode.NotFound, (await client.SendAsync(elsewhere, Cancel)).StatusCode);

        // The app's own route keeps the app's JSON; its health checks include Postcall's.
        Assert.Equal("""{"someValue":1}""", await client.GetStringAsync(new Uri("/mine", UriKind.Relative), Cancel));
        Assert.Equal("Healthy", await client.GetStringAsync(new Uri("/ready", UriKind.Relative), Cancel));
        var checks = _app!.Services.GetRequiredService<HealthCheckService>();
        var report = await checks.CheckHealthAsync(Cancel);
        Assert.Contains(report.Entries.Keys, k => k.Contains("storage", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task The_apis_read_and_write_the_services_names_whatever_the_apps_json_defaults()
    {
        using var client = await StartAsync();

        using var create = new HttpRequestMessage(HttpMethod.Post, "/api/destinations")
        {
            Content = new StringContent("""{"url":"http://127.0.0.1:9/hook","agent_ids":["agent-7"],"timeout_seconds":5}""", Encoding.UTF8, "application/json"),
        };
        create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        using var created = await client.SendAsync(create, Cancel);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using var body = JsonDocument.Parse(await created.Content.ReadAsStringAsync(Cancel));
        var destination = body.RootElement.GetProperty("data");
        Assert.Equal(["agent-7"], destination.GetProperty("agent_ids").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(5, destination.GetProperty("timeout_seconds").GetDouble());

        using var list = new HttpRequestMessage(HttpMethod.Get, "/api/destinations");
        list.Headers.Authorization = new AuthenticationHeaderValue("Bearer", ReadKey);
        using var listed = await client.SendAsync(list, Cancel);
        using var destinations = JsonDocument.Parse(await listed.Content.ReadAsStringAsync(Cancel));
        var sources = destinations.RootElement.GetProperty("data").GetProperty("destinations").EnumerateArray().Select(d => d.GetProperty("source").GetString());
        Assert.Equal(["api", "handler"], sources.Order(StringComparer.Ordinal));

        using var unkeyed = await client.GetAsync(new Uri("/api/conversations", UriKind.Relative), Cancel);
        Assert.Equal(HttpStatusCode.Unauthorized, unkeyed.StatusCode);
        using var errorBody = JsonDocument.Parse(await unkeyed.Content.ReadAsStringAsync(Cancel));
        Assert.True(errorBody.RootElement.TryGetProperty("error_code", out _));
    }

    [Theory]
    [InlineData("POSTCALL_STORAGE_URL", "s3://calls", "add the Postcall.S3 package and call services.AddPostcallS3()")]
    [InlineData("POSTCALL_DATABASE_URL", "postgres://postcall@127.0.0.1:5432/calls", "add the Postcall.PostgreSql package and call services.AddPostcallPostgreSql()")]
    public void A_shared_engines_setting_without_its_package_stops_the_start_and_says_what_to_add(string variable, string value, string advice)
    {
        var services = new ServiceCollection();
        services.AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());
        services.AddPostcall(o => o.Settings[variable] = value);
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<Postcall.Hosting.SettingsException>(() => provider.GetRequiredService<Postcall.Hosting.PostcallSettings>());

        Assert.Contains(advice, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(value, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Adding_postcall_sets_nothing_of_the_apps_own()
    {
        var services = new ServiceCollection();

        services.AddPostcall();

        Type[] hostOwned = [typeof(IConfigureOptions<KestrelServerOptions>), typeof(IConfigureOptions<HostOptions>), typeof(IConfigureOptions<JsonOptions>),
            typeof(IPostConfigureOptions<JsonOptions>), typeof(ILoggerProvider), typeof(IStartupFilter)];
        Assert.DoesNotContain(services, d => hostOwned.Contains(d.ServiceType));
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync(Cancel);
            await _app.DisposeAsync();
        }

        _root.Delete(recursive: true);
    }
}
