using Microsoft.Extensions.Logging.Console;

namespace Postcall.Hosting;

/// <summary>
/// The console, less one line: the host's own "Hosting failed to start" when the cause is an address the server could
/// not listen on. That line carries the exception's stack trace, and the cause is already told in one line a person
/// can act on (<see cref="ListenFailure.Describe"/>, printed when start-up ends). Every other line, the host's other
/// errors included, is written as the console writes it.
/// </summary>
internal sealed class ListenFailureLogging(ConsoleLoggerProvider console) : ILoggerProvider, ISupportExternalScope
{
    private const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    /// <summary>Puts the console behind this filter: call after every <c>Add…Console()</c>, each of which adds the console again.</summary>
    public static void Add(ILoggingBuilder logging)
    {
        ArgumentNullException.ThrowIfNull(logging);
        logging.Services.RemoveAll<ILoggerProvider>(typeof(ConsoleLoggerProvider));
        logging.Services.AddSingleton<ConsoleLoggerProvider>();
        logging.Services.AddSingleton<ILoggerProvider>(sp => new ListenFailureLogging(sp.GetRequiredService<ConsoleLoggerProvider>()));
    }

    public ILogger CreateLogger(string categoryName)
    {
        var logger = console.CreateLogger(categoryName);
        return categoryName == HostCategory ? new HostLogger(logger) : logger;
    }

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => console.SetScopeProvider(scopeProvider);

    public void Dispose() => console.Dispose();

    private sealed class HostLogger(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (exception is not null && ListenFailure.Describe(exception) is not null)
            {
                return;
            }

            inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}

file static class ServiceCollectionRemoval
{
    /// <summary>Removes the registrations of <typeparamref name="TService"/> implemented by <paramref name="implementation"/>.</summary>
    public static void RemoveAll<TService>(this IServiceCollection services, Type implementation)
    {
        for (var i = services.Count - 1; i >= 0; i--)
        {
            if (services[i].ServiceType == typeof(TService) && services[i].ImplementationType == implementation)
            {
                services.RemoveAt(i);
            }
        }
    }
}
