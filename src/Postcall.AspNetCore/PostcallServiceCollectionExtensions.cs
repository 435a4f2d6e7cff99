using Microsoft.Extensions.Options;
using Postcall;
using Postcall.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds Postcall to an app's services.</summary>
public static class PostcallServiceCollectionExtensions
{
    /// <summary>
    /// Adds Postcall: its settings (<see cref="PostcallOptions"/>, then the app's configuration), the storage they pick
    /// (files and SQLite; S3 and PostgreSQL when the app adds Postcall.S3 and Postcall.PostgreSql), the receiver, the index, forwarding and handlers, and the
    /// background work they need. Storage is taken when the app starts. Nothing of the app's own is changed: no
    /// configuration source, address, server limit, JSON default, logging provider or middleware is added. Map the
    /// endpoints with <c>MapPostcall</c> and the opt-in maps beside it.
    /// </summary>
    /// <param name="services">The app's services.</param>
    /// <param name="configure">Sets settings in code, over the app's configuration.</param>
    public static IServiceCollection AddPostcall(this IServiceCollection services, Action<PostcallOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<PostcallOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.AddSingleton(sp =>
        {
            var set = sp.GetRequiredService<IOptions<PostcallOptions>>().Value;
            var configuration = sp.GetRequiredService<IConfiguration>();
            return PostcallSettings.Load(key => Read(set, configuration, key), sp.GetServices<ISharedEngine>());
        });
        return services.AddPostcallServices();
    }

    private static string? Read(PostcallOptions set, IConfiguration configuration, string key)
    {
        if (set.Settings.TryGetValue(key, out var value))
        {
            return value;
        }

        if (key == PostcallSettings.HmacKeyVariable && set.WebhookSecrets.Count > 0)
        {
            return string.Join(',', set.WebhookSecrets);
        }

        if (key == PostcallSettings.PayloadPathVariable && set.PayloadPath is not null)
        {
            return set.PayloadPath;
        }

        return configuration[key];
    }
}
