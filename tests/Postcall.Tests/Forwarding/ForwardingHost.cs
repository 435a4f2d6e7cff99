using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Postcall.Forwarding;
using Postcall.Hosting;
using Postcall.Tests.Support;

namespace Postcall.Tests.Forwarding;

/// <summary>The service in memory with forwarding set up, a real receiver on a socket, and the calls the tests make.</summary>
public sealed class ForwardingHost : IAsyncDisposable
{
    public const string ReadKey = "forward-read-key-7f3a9c21";
    public const string AdminKey = "forward-admin-key-2b8e4d17";

    private ForwardingHost(PostcallFactory factory, ForwardReceiver receiver)
    {
        Factory = factory;
        Receiver = receiver;
        Client = factory.CreateClient();
    }

    public PostcallFactory Factory { get; }

    public ForwardReceiver Receiver { get; }

    public HttpClient Client { get; }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <param name="fromEnvironment">The receiver is listed in POSTCALL_FORWARD_URLS; otherwise no destination exists yet.</param>
    /// <param name="services">What the app adds to the service's own services, such as its handlers.</param>
    public static async Task<ForwardingHost> StartAsync(bool fromEnvironment = true, string schedule = "0s,1s,1s", Dictionary<string, string?>? settings = null,
        Action<Microsoft.Extensions.DependencyInjection.IServiceCollection>? services = null)
    {
        var receiver = await ForwardReceiver.StartAsync();
        var all = new Dictionary<string, string?>
        {
            [PostcallSettings.ApiKeyVariable] = ReadKey,
            [PostcallSettings.AdminKeyVariable] = AdminKey,
            [ForwardSettings.RetryScheduleVariable] = schedule,
        };
        if (fromEnvironment)
        {
            all[ForwardSettings.UrlsVariable] = receiver.Url.AbsoluteUri;
        }

        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }

        var host = new ForwardingHost(new PostcallFactory(all, services: services), receiver);
        // Start the service (and its dispatcher) now.
        (await host.Client.GetAsync(new Uri("/health", UriKind.Relative), Cancel)).EnsureSuccessStatusCode();
        return host;
    }

    public async Task<Envelope> DeliverAsync(string body)
    {
        using var request = Deliveries.SignedRequest(body);
        return await Envelope.SendAsync(Client, request);
    }

    public Task<Envelope> GetAsync(string path, string key = ReadKey) => SendAsync(HttpMethod.Get, path, null, key);

    public Task<Envelope> PostAsync(string path, object? body = null, string key = AdminKey) => SendAsync(HttpMethod.Post, path, body, key);

    public Task<Envelope> PatchAsync(string path, object body, string key = AdminKey) => SendAsync(HttpMethod.Patch, path, body, key);

    public Task<Envelope> DeleteAsync(string path, string key = AdminKey) => SendAsync(HttpMethod.Delete, path, null, key);

    public async Task<Envelope> SendAsync(HttpMethod method, string path, object? body, string? key)
    {
        using var request = new HttpRequestMessage(method, path);
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower });
        }

        return await Envelope.SendAsync(Client, request);
    }

    /// <summary>The conversation's forwards, once <paramref name="until"/> holds for them.</summary>
    public async Task<JsonElement[]> ForwardsAsync(string conversationId, Func<JsonElement[], bool> until, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var list = await GetAsync($"/api/forwards?conversation={conversationId}");
            var forwards = list.Data.GetProperty("forwards").EnumerateArray().ToArray();
            if (until(forwards))
            {
                return forwards;
            }

            Assert.True(DateTime.UtcNow < deadline, "forwards never got there: " + list.Data.GetRawText());
            await Task.Delay(100, Cancel);
        }
    }

    public static bool AllHaveStatus(JsonElement[] forwards, string status, int count = 1) =>
        forwards.Length == count && forwards.All(f => f.GetProperty("status").GetString() == status);

    /// <summary>The one destination's secret, as an admin sees it.</summary>
    public async Task<string> SecretAsync()
    {
        var destinations = await GetAsync("/api/destinations", AdminKey);
        return destinations.Data.GetProperty("destinations")[0].GetProperty("secret").GetString()!;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
        await Receiver.DisposeAsync();
    }
}
