using System.Diagnostics;

namespace Postcall.Tests.Support;

/// <summary>A command run to its end, as a user types it: what it printed, and a failure naming it when it fails.</summary>
public static class Command
{
    /// <param name="folder">Where it runs; the repository's root unless given.</param>
    public static async Task<string> RunAsync(string program, IEnumerable<string> args, Dictionary<string, string>? environment = null, string? folder = null)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = folder ?? Repository.Root };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (key, value) in environment ?? [])
        {
            info.Environment[key] = value;
        }

        var cancel = TestContext.Current.CancellationToken;
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync(cancel);
        var error = process.StandardError.ReadToEndAsync(cancel);
        await process.WaitForExitAsync(cancel);
        var all = await output + await error;
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', args)} failed:\n{all}");
        return all;
    }
}
