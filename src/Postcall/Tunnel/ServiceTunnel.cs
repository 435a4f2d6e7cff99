using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Postcall.Hosting;

namespace Postcall.Tunnel;

/// <summary><c>postcall --tunnel</c>: the service and an ngrok tunnel to it, started and stopped together.</summary>
internal static partial class ServiceTunnel
{
    public const string Flag = "--tunnel";

    private const string TunnelUrl = "http://127.0.0.1:0";

    /// <summary>Adds the tunnel's own listener on 127.0.0.1, beside the addresses the service is configured with.</summary>
    public static WebApplicationBuilder AddServiceTunnel(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var urls = (builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey) ?? PostcallServices.DefaultUrl)
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        // Last: Kestrel binds addresses in order and lists them in that order, so the last one listed is this one.
        builder.WebHost.UseUrls([.. urls, TunnelUrl]);
        builder.Services.AddSingleton(new TunnelListener());
        return builder;
    }

    public static async Task<int> RunAsync(WebApplication app, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(error);
        await app.StartOrStopAsync();
        var settings = app.Services.GetRequiredService<PostcallSettings>();
        var tunnel = app.Services.GetRequiredService<TunnelListener>();
        var addresses = (app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? []).ToList();
        tunnel.Bound(new Uri(addresses[^1]).Port);
        var port = LocalPort(addresses[..^1]);
        NgrokAgent agent;
        try
        {
            agent = await NgrokAgent.StartAsync(new NgrokOptions
            {
                Port = tunnel.Port,
                AuthToken = settings.NgrokAuthToken,
                ExecutablePath = app.Configuration[NgrokOptions.PathVariable],
                StartTimeout = settings.TunnelTimeout,
                Inspect = settings.TunnelInspect,
            }, app.Lifetime.ApplicationStopping);
        }
        catch (Exception e) when (e is TunnelException or OperationCanceledException)
        {
            await error.WriteLineAsync($"error: {e.Message}");
            await app.StopAsync();
            return 1;
        }

        await using (agent)
        {
            await TunnelAnnouncement.WriteAsync(output, agent.PublicUrl, port);
            _ = agent.Exited.ContinueWith(_ => TunnelClosed(app.Logger), TaskScheduler.Default);
            await app.WaitForShutdownAsync();
        }

        return 0;
    }

    /// <summary>The service's own port, as the user knows it, from the addresses it listens on besides the tunnel's.</summary>
    private static int LocalPort(IEnumerable<string> addresses)
    {
        var address = addresses.Select(a => new Uri(a.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal)))
            .FirstOrDefault(u => u.Scheme == Uri.UriSchemeHttp)
            ?? throw new InvalidOperationException("The tunnel needs the service to listen on plain HTTP.");
        return address.Port;
    }

    [LoggerMessage(EventId = 300, EventName = "TunnelClosed", Level = LogLevel.Warning,
        Message = "The ngrok agent exited; the service keeps running but is no longer reachable through the tunnel")]
    private static partial void TunnelClosed(ILogger logger);
}
