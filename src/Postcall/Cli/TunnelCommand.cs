using System.CommandLine;
using Postcall.Tunnel;

namespace Postcall.Cli;

/// <summary><c>postcall tunnel</c>: a public HTTPS URL to a service already running on this machine.</summary>
internal static class TunnelCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var port = new Option<int>("--port") { Description = "Local port the service listens on.", DefaultValueFactory = _ => 8000 };
        var timeout = new Option<int>("--timeout") { Description = "Seconds to wait for ngrok's public URL.", DefaultValueFactory = _ => NgrokOptions.DefaultStartTimeoutSeconds };
        port.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > 65535) { r.AddError("--port must be between 1 and 65535."); } });
        timeout.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) { r.AddError("--timeout must be at least 1 second."); } });
        var inspect = new Option<bool>("--inspect")
        {
            Description = "Let ngrok's inspector (127.0.0.1:4040) record every request and answer, bodies included. Off by default: they carry transcripts and API keys.",
        };
        var command = new Command("tunnel", "Open a public HTTPS URL to the local service through the ngrok agent (Ctrl+C closes it).")
        {
            port, timeout, inspect,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var options = new NgrokOptions
            {
                Port = result.GetValue(port),
                AuthToken = environment.Get(NgrokOptions.AuthTokenVariable),
                ExecutablePath = environment.Get(NgrokOptions.PathVariable),
                SearchPath = environment.Get("PATH"),
                StartTimeout = TimeSpan.FromSeconds(result.GetValue(timeout)),
                Inspect = result.GetValue(inspect),
            };
            NgrokAgent agent;
            try
            {
                agent = await NgrokAgent.StartAsync(options, cancellationToken);
            }
            catch (TunnelException e)
            {
                throw new CliException(e.Message);
            }

            await using (agent)
            {
                await TunnelAnnouncement.WriteAsync(result.InvocationConfiguration.Output, agent.PublicUrl, options.Port);
                await Task.WhenAny(agent.Exited, Task.Delay(Timeout.Infinite, cancellationToken));
                if (!cancellationToken.IsCancellationRequested)
                {
                    throw new CliException("ngrok exited; the tunnel is closed.");
                }
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
