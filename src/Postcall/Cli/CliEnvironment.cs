using Postcall.Hosting;

namespace Postcall.Cli;

/// <summary>Settings as the service sees them: environment variables first, then <c>.env</c> in the working directory.</summary>
internal sealed class CliEnvironment(Func<string, string?> environment, string workingDirectory)
{
    private readonly Lazy<IReadOnlyDictionary<string, string?>> _dotEnv =
        new(() => DotEnvFile.Read(Path.Combine(workingDirectory, ".env")));

    public static CliEnvironment Current { get; } = new(Environment.GetEnvironmentVariable, Directory.GetCurrentDirectory());

    public string? Get(string name)
    {
        var value = environment(name);
        return !string.IsNullOrEmpty(value) ? value : _dotEnv.Value.GetValueOrDefault(name);
    }

    public IReadOnlyList<string> Secrets =>
        PostcallSettings.ParseList(Get(PostcallSettings.HmacKeyVariable));

    /// <summary>An explicit <c>--secret</c>, else the configured ones.</summary>
    public IReadOnlyList<string> SecretsOr(string? explicitSecret) =>
        !string.IsNullOrEmpty(explicitSecret) ? [explicitSecret]
        : Secrets.Count > 0 ? Secrets
        : throw new CliException($"No secret: set {PostcallSettings.HmacKeyVariable} in the environment or .env (or pass --secret).");
}
