using System.CommandLine;
using Postcall.Hosting;

namespace Postcall.Cli;

/// <summary>
/// <c>--secret</c>, shared by sign, verify and send. A secret on a command line can be read by every user of the
/// machine (<c>ps</c>, <c>/proc/&lt;pid&gt;/cmdline</c>) and lands in shell history, so the help says to prefer the
/// environment or <c>.env</c>, and using it prints a warning.
/// </summary>
internal static class SecretOption
{
    public const string Warning =
        $"warning: --secret is visible to every user of this machine in the process list and stays in your shell history; prefer {PostcallSettings.HmacKeyVariable} in the environment or .env.";

    public static Option<string?> Create(string whenOmitted) => new("--secret")
    {
        Description = $"Webhook secret; {whenOmitted}. Prefer the environment or .env: a secret on the command line is visible to other local users.",
    };

    /// <summary>The secrets to use: the option's (with the warning on <paramref name="error"/>), else the configured ones.</summary>
    public static IReadOnlyList<string> Resolve(ParseResult result, Option<string?> option, CliEnvironment environment, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(error);
        var explicitSecret = result.GetValue(option);
        if (!string.IsNullOrEmpty(explicitSecret))
        {
            error.WriteLine(Warning);
        }

        return environment.SecretsOr(explicitSecret);
    }
}
