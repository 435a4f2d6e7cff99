using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Postcall.Hosting;

namespace Postcall.Tunnel;

/// <summary>
/// The loopback port that only the tunnel's agent is pointed at. Whatever arrives on it came through the tunnel: from
/// the internet, never local, with the client in the agent's <c>X-Forwarded-For</c>.
/// </summary>
public sealed record TunnelListener(int Port);

/// <summary><c>postcall --tunnel</c>: the service and an ngrok tunnel to it, started and stopped together.</summary>
public static partial class ServiceTunnel
{
    public const string Flag = "--tunnel";

    /// <summary>Adds the tunnel's own listener on 127.0.0.1, beside the addresses the service is configured with.</summary>
    public static WebApplicationBuilder AddServiceTunnel(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var port = FreeLoopbackPort();
        var urls = (builder.WebHost.GetSetting(WebHostDefaults.ServerUrlsKey) ?? PostcallServices.DefaultUrl)
            .Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        builder.WebHost.UseUrls([.. urls, $"http://127.0.0.1:{port}"]);
        builder.Services.AddSingleton(new TunnelListener(port));
        return builder;
    }

    public static async Task<int> RunAsync(WebApplication app, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(error);
        await app.StartOrStopAsync();
        var settings = app.Services.GetRequiredService<PostcallSettings>();
        var port = LocalPort(app);
        NgrokAgent agent;
        try
        {
            agent = await NgrokAgent.StartAsync(new NgrokOptions
            {
                Port = app.Services.GetRequiredService<TunnelListener>().Port,
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

    private static int FreeLoopbackPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>The service's own port, as the user knows it (the tunnel's listener is an internal detail).</summary>
    private static int LocalPort(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var address = addresses.Select(a => new Uri(a.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal)))
            .FirstOrDefault(u => u.Scheme == Uri.UriSchemeHttp && u.Port != app.Services.GetRequiredService<TunnelListener>().Port)
            ?? throw new InvalidOperationException("The tunnel needs the service to listen on plain HTTP.");
        return address.Port;
    }

    [LoggerMessage(EventId = 300, EventName = "TunnelClosed", Level = LogLevel.Warning,
        Message = "The ngrok agent exited; the service keeps running but is no longer reachable through the tunnel")]
    private static partial void TunnelClosed(ILogger logger);
}
