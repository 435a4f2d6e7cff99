using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Postcall.Hosting;

namespace Postcall.Tests.Support;

/// <summary>The real service, in memory (or on real Kestrel), with its own empty payload root.</summary>
public sealed class PostcallFactory : WebApplicationFactory<Program>
{
    private readonly Action<IServiceCollection>? _services;

    /// <param name="services">What the app adds to the service's own services, such as its handlers.</param>
    public PostcallFactory(Dictionary<string, string?>? settings = null, FakeTimeProvider? time = null, Action<IServiceCollection>? services = null)
    {
        Time = time;
        _services = services;
        Settings = new Dictionary<string, string?>
        {
            [PostcallSettings.HmacKeyVariable] = Fixtures.Secret,
            [PostcallSettings.PayloadPathVariable] = PayloadRoot,
            ["LOG_LEVEL"] = "WARNING",
        };
        foreach (var (key, value) in settings ?? [])
        {
            Settings[key] = value;
        }
    }

    public string PayloadRoot { get; } = System.IO.Directory.CreateTempSubdirectory("postcall-tests-").FullName;

    public Dictionary<string, string?> Settings { get; }

    public FakeTimeProvider? Time { get; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        if (Time is not null)
        {
            builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Time));
        }

        if (_services is not null)
        {
            builder.ConfigureServices(_services);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(PayloadRoot, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
