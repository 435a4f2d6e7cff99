using System.Text.Json;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Logging.Console;
using Postcall.Http;
using Postcall.Observability;
using Postcall.Tunnel;

namespace Postcall.Hosting;

internal static class PostcallServices
{
    public const string DefaultUrl = "http://localhost:8000";

    /// <summary>The composition root: configuration sources, services and logging for the web service.</summary>
    public static WebApplicationBuilder AddPostcallService(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        // Lowest priority: real environment variables and command-line arguments win over .env.
        var dotEnv = DotEnvFile.Read(Path.Combine(Directory.GetCurrentDirectory(), ".env"));
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = dotEnv });

        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        var services = builder.Services;
        services.AddPostcallWithEngines();
        services.AddSingleton(sp => new ClientOrigin(sp.GetRequiredService<PostcallSettings>().TrustedProxies, sp.GetService<TunnelListener>()));

        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, AnswerJson.Default);
        });
        // SIGTERM stops new connections at once and lets deliveries in flight finish, up to this long.
        services.AddOptions<HostOptions>().Configure<PostcallSettings>((host, settings) => host.ShutdownTimeout = settings.ShutdownTimeout);
        services.AddOptions<KestrelServerOptions>().Configure<PostcallSettings>((kestrel, settings) =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = settings.MaxBodyBytes;
        });
        services.AddPostcallOpenApi();
        services.AddPostcallTelemetry(builder.Configuration);

        builder.Logging.ClearProviders();
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        builder.Logging.AddConsole();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            o.ColorBehavior = LoggerColorBehavior.Disabled;
        });
        builder.Logging.AddJsonConsole(o =>
        {
            o.IncludeScopes = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });
        ListenFailureLogging.Add(builder.Logging);
        services.AddOptions<ConsoleLoggerOptions>().Configure<PostcallSettings>((console, settings) =>
            console.FormatterName = settings.LogFormat == "json" ? ConsoleFormatterNames.Json : ConsoleFormatterNames.Simple);
        services.AddOptions<LoggerFilterOptions>().Configure<PostcallSettings>((filters, settings) =>
        {
            filters.MinLevel = settings.LogLevel;
            // At Debug, Kestrel quotes the start of an unparseable request line, which can be payload text.
            filters.Rules.Add(new LoggerFilterRule(null, "Microsoft.AspNetCore.Server.Kestrel.BadRequests", LogLevel.Warning, null));
            // At Debug, hosting logs each request's full URL: search words and media tokens live in query strings.
            filters.Rules.Add(new LoggerFilterRule(null, "Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning, null));
            // Our one line per request replaces the framework's own request chatter.
            if (settings.LogLevel > LogLevel.Debug)
            {
                filters.Rules.Add(new LoggerFilterRule(null, "Microsoft.AspNetCore", LogLevel.Warning, null));
            }
        });
        return builder;
    }
}
