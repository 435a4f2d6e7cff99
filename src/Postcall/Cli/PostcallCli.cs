using System.CommandLine;

namespace Postcall.Cli;

/// <summary>
/// The command-line tools. <c>postcall</c> with no subcommand (or only server options such as <c>--urls</c> and
/// <c>--tunnel</c>) runs the service; these subcommands call the same cores as the service does.
/// </summary>
internal static class PostcallCli
{
    private static readonly string[] CliWords = ["send", "sign", "verify", "tunnel", "reindex", "migrate", "reconcile", "-h", "--help", "-?", "--version"];

    public static bool Handles(IReadOnlyList<string> args) => args.Count > 0 && CliWords.Contains(args[0]);

    /// <param name="interactive">Standard error is a terminal: progress bars may redraw in place.</param>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CliEnvironment? environment = null,
        TimeProvider? time = null, bool interactive = false, CancellationToken cancellationToken = default)
    {
        environment ??= CliEnvironment.Current;
        time ??= TimeProvider.System;
        var root = new RootCommand("Postcall: receive, verify and store ElevenLabs post-call webhooks. Without a subcommand it runs the service.")
        {
            SignCommand.Create(environment, time),
            VerifyCommand.Create(environment, time),
            SendCommand.Create(environment, time, interactive),
            TunnelCommand.Create(environment),
            ReindexCommand.Create(environment),
            MigrateCommand.Create(environment),
            ReconcileCommand.Create(environment, interactive),
        };
        root.Options.Add(new Option<bool>("--tunnel") { Description = "Run the service and open an ngrok tunnel to it." });

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var parseError in parsed.Errors)
            {
                await error.WriteLineAsync($"error: {parseError.Message}");
            }

            var command = parsed.CommandResult.Command is RootCommand ? "postcall" : $"postcall {parsed.CommandResult.Command.Name}";
            await error.WriteLineAsync($"Run '{command} --help' for usage.");
            return ExitCodes.Usage;
        }

        try
        {
            // Ctrl+C and SIGTERM are the caller's to handle (Program.cs cancels cancellationToken on either). Left to
            // System.CommandLine as well, a second handler would wait two seconds on the signal thread and then end the
            // command with 130 while it still closes what it opened (a tunnel's agent, a send in flight).
            return await parsed.InvokeAsync(new InvocationConfiguration
            {
                Output = output,
                Error = error,
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = null,
            }, cancellationToken);
        }
        catch (CliException e)
        {
            await error.WriteLineAsync($"error: {e.Message}");
            return e.ExitCode;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Failure;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A last resort: whatever went wrong, the person at the terminal gets one line, not a stack trace.
            await error.WriteLineAsync($"error: {e.Message}");
            return ExitCodes.Failure;
        }
    }
}
