using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Postcall.Hosting;

namespace Postcall.Tests.Support;

/// <summary>
/// The service on real Kestrel at 127.0.0.1 with a free port, in this process, built by the same composition root
/// as <c>Program</c>: for tests where sockets, chunking and disconnects matter.
/// </summary>
public sealed class KestrelHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly bool _ownsRoot;

    private KestrelHost(WebApplication app, string payloadRoot, bool ownsRoot)
    {
        _app = app;
        PayloadRoot = payloadRoot;
        _ownsRoot = ownsRoot;
        BaseAddress = new Uri(app.Urls.Single());
    }

    public string PayloadRoot { get; }

    public Uri BaseAddress { get; }

    public HttpClient CreateClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(2) };

    /// <param name="services">What the app adds to the service's own services, such as its handlers.</param>
    public static async Task<KestrelHost> StartAsync(Dictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var ownsRoot = settings?.ContainsKey(PostcallSettings.PayloadPathVariable) != true;
        var root = ownsRoot ? Directory.CreateTempSubdirectory("postcall-kestrel-").FullName : settings![PostcallSettings.PayloadPathVariable]!;
        var builder = WebApplication.CreateBuilder();
        builder.AddPostcallService();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [PostcallSettings.HmacKeyVariable] = Fixtures.Secret,
            [PostcallSettings.PayloadPathVariable] = root,
            ["LOG_LEVEL"] = "WARNING",
        });
        builder.Configuration.AddInMemoryCollection(settings ?? []);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        services?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapPostcallService();
        await app.StartAsync();
        return new KestrelHost(app, root, ownsRoot);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (_ownsRoot)
        {
            Directory.Delete(PayloadRoot, recursive: true);
        }
    }
}
