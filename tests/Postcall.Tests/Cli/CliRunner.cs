using Microsoft.Extensions.Time.Testing;
using Postcall.Cli;

namespace Postcall.Tests.Cli;

/// <summary>Runs the CLI through its real entry point with a given environment, capturing what it prints.</summary>
internal static class CliRunner
{
    public sealed record Run(int ExitCode, string Output, string Error);

    public static Task<Run> RunAsync(Dictionary<string, string?> environment, string[] args, TimeProvider? time = null) =>
        RunCancellableAsync(environment, args, TestContext.Current.CancellationToken, time);

    public static async Task<Run> RunCancellableAsync(Dictionary<string, string?> environment, string[] args, CancellationToken cancellationToken,
        TimeProvider? time = null, string? workingDirectory = null)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var env = new CliEnvironment(name => environment.GetValueOrDefault(name), workingDirectory ?? Path.GetTempPath());
        var code = await PostcallCli.RunAsync(args, output, error, env, time ?? TimeProvider.System, cancellationToken: cancellationToken);
        return new Run(code, output.ToString(), error.ToString());
    }

    public static FakeTimeProvider At(long unixSeconds) => new(DateTimeOffset.FromUnixTimeSeconds(unixSeconds));
}
