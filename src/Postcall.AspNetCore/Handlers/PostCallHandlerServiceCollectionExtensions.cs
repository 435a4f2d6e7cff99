using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Postcall.Forwarding;
using Postcall.Handlers;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="PostCallHandler"/>s.</summary>
public static partial class PostCallHandlerServiceCollectionExtensions
{
    /// <summary>
    /// Registers <typeparamref name="THandler"/> under <paramref name="name"/>: every call stored from now on that it
    /// accepts is handed to it, at least once, after it is stored. The name identifies its deliveries across restarts
    /// and instances: keep it when renaming the class. An instance runs only the handlers it has; deliveries for a
    /// handler no running instance has wait, pending, until one that has it starts.
    /// </summary>
    /// <param name="services">The app's services.</param>
    /// <param name="name">1 to 64 letters, digits, <c>_</c>, <c>-</c> or <c>.</c>; unique among the handlers.</param>
    /// <param name="configure">Which calls it is given, its timeout and concurrency.</param>
    /// <exception cref="ArgumentException">The name or the options are not valid, or the name is taken.</exception>
    public static IServiceCollection AddPostCallHandler<THandler>(this IServiceCollection services, string name, Action<PostCallHandlerOptions>? configure = null)
        where THandler : PostCallHandler
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(name);
        if (!NamePattern().IsMatch(name))
        {
            throw new ArgumentException($"A handler's name is 1 to 64 letters, digits, '_', '-' or '.': '{name}' is not.", nameof(name));
        }

        if (services.Any(d => d.ServiceType == typeof(HandlerRegistration) && d.ImplementationInstance is HandlerRegistration r && r.Name == name))
        {
            throw new ArgumentException($"A handler named '{name}' is registered already.", nameof(name));
        }

        var options = new PostCallHandlerOptions();
        configure?.Invoke(options);
        if (options.Kinds.FirstOrDefault(k => !Destination.KindNames.Contains(k, StringComparer.Ordinal)) is { } kind)
        {
            throw new ArgumentException($"Handler '{name}': '{kind}' is not a kind ({string.Join(", ", Destination.KindNames)}).", nameof(configure));
        }

        if (options.Timeout <= TimeSpan.Zero || options.Timeout > Destination.MaxTimeout)
        {
            throw new ArgumentException($"Handler '{name}': the timeout must be more than 0 and at most {Destination.MaxTimeout.TotalMinutes} minutes.", nameof(configure));
        }

        if (options.Concurrency is < 1 or > Destination.MaxConcurrency)
        {
            throw new ArgumentException($"Handler '{name}': the concurrency must be 1 to {Destination.MaxConcurrency}.", nameof(configure));
        }

        services.TryAddScoped<THandler>();
        services.AddSingleton(new HandlerRegistration(name, typeof(THandler), [.. options.Kinds.Distinct(StringComparer.Ordinal)],
            [.. options.AgentIds.Distinct(StringComparer.Ordinal)], options.Timeout, options.Concurrency));
        return services;
    }

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,64}$")]
    private static partial Regex NamePattern();
}
