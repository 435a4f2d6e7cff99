using Postcall.Hosting;

namespace Postcall.Cli;

/// <summary>
/// The services a command that works on the stored calls directly (<c>reindex</c>, <c>migrate</c>) uses: the engines
/// the service would choose with these settings, through the same composition root, without its web host or
/// background work. Dispose it when done.
/// </summary>
internal static class CliServices
{
    /// <param name="overrides">Settings the command's own options set, over the environment and <c>.env</c>.</param>
    public static ServiceProvider Build(CliEnvironment environment, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var configuration = new ConfigurationBuilder()
            .Add(new CliEnvironmentSource(environment))
            .AddInMemoryCollection(overrides ?? new Dictionary<string, string?>())
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        // No logging provider: a command prints its own lines.
        services.AddLogging();
        services.AddMetrics();
        services.AddPostcallWithEngines();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
    }

    /// <summary>Settings as the service would read them; a bad one ends the command with its message.</summary>
    public static PostcallSettings Settings(this IServiceProvider services)
    {
        try
        {
            return services.GetRequiredService<PostcallSettings>();
        }
        catch (SettingsException e)
        {
            throw new CliException(e.Message);
        }
    }

    /// <summary>Names are looked up one at a time, as the service's settings read them: environment first, then <c>.env</c>.</summary>
    private sealed class CliEnvironmentSource(CliEnvironment environment) : ConfigurationProvider, IConfigurationSource
    {
        public IConfigurationProvider Build(IConfigurationBuilder builder) => this;

        public override bool TryGet(string key, out string? value)
        {
            value = environment.Get(key);
            return value is not null;
        }
    }
}
