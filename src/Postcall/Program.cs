using System.Runtime.InteropServices;
using Postcall.Cli;
using Postcall.Hosting;
using Postcall.Tunnel;

if (PostcallCli.Handles(args))
{
    using var shutdown = new CancellationTokenSource();
    using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
    using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
    return await PostcallCli.RunAsync(args, Console.Out, Console.Error, interactive: !Console.IsErrorRedirected, cancellationToken: shutdown.Token);

    void Stop(PosixSignalContext context)
    {
        context.Cancel = true;
        shutdown.Cancel();
    }
}

try
{
    var tunnel = args.Contains(ServiceTunnel.Flag);
    // Configuration is read once. Reloading it on change would watch the working folder recursively, and the payload
    // root (./payloads by default) lies inside it: one inotify watch, and events, per conversation folder.
    var builder = WebApplication.CreateBuilder([.. args.Where(a => a != ServiceTunnel.Flag), "--hostBuilder:reloadConfigOnChange=false"]);
    builder.AddPostcallService();
    if (tunnel)
    {
        builder.AddServiceTunnel();
    }

    var app = builder.Build();
    app.MapPostcallService();
    if (tunnel)
    {
        return await ServiceTunnel.RunAsync(app, Console.Out, Console.Error);
    }

    await using (app)
    {
        await app.StartOrStopAsync();
        await app.WaitForShutdownAsync();
    }

    return 0;
}
catch (SettingsException e)
{
    await Console.Error.WriteLineAsync(e.Message);
    return 1;
}
catch (Exception e) when (ListenFailure.Describe(e) is { } reason)
{
    await Console.Error.WriteLineAsync(reason);
    return 1;
}

public partial class Program;
