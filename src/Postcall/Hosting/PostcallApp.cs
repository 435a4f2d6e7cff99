using Postcall.GenericWebhooks;
using Postcall.Http;
using Postcall.Observability;

namespace Postcall.Hosting;

internal static partial class PostcallApp
{
    /// <summary>The request pipeline and every endpoint. Validates the settings first: bad ones stop start-up.</summary>
    public static WebApplication MapPostcallService(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var settings = app.Services.GetRequiredService<PostcallSettings>();
        ListenFailure.CheckAddresses(app.Configuration);
        DescribeSettings(app, settings);

        // Who the client is, and whether the request is local, before anything counts or logs it.
        app.UseClientOrigin();
        app.UseRequestIds();
        app.UseRequestLogging();
        app.UseErrorEnvelopes();
        app.UseCrossOrigin();
        app.UseSwaggerUI(o =>
        {
            o.RoutePrefix = "docs";
            o.DocumentTitle = $"{settings.AppName} API";
            o.SwaggerEndpoint(PostcallOpenApi.DocumentPath, settings.AppName);
        });

        app.MapOpenApi(PostcallOpenApi.DocumentPath);
        app.MapHealth();
        app.MapReadiness();
        app.MapPostcallMetrics(settings.MetricsPublic);
        app.MapGenericWebhooks();
        app.MapPostcall().AllowCrossOrigin();
        if (settings.ReadKeys.Count > 0)
        {
            app.MapPostcallReadApi();
            app.MapPostcallDestinations();
            app.MapPostcallDashboard();
        }

        return app;
    }

    /// <summary>
    /// Starts the service. If it cannot start (its address taken), what did start is stopped before the caller goes
    /// on: the background loops (index writer, forward dispatcher) started before the server failed to listen, and
    /// disposing the host under them would leave them running into disposed services, with misleading errors logged.
    /// </summary>
    public static async Task StartOrStopAsync(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.StopAsync();
            throw;
        }
    }

    /// <summary>What the service says at start-up of its settings; storage is prepared by the library when the host starts.</summary>
    private static void DescribeSettings(WebApplication app, PostcallSettings settings)
    {
        if (settings.ReadKeys.Count == 0)
        {
            BrowsingOff(app.Logger, PostcallSettings.ApiKeyVariable);
        }

        if (settings.HmacKeys.Count == 0)
        {
            NoHmacKey(app.Logger, PostcallSettings.HmacKeyVariable);
        }
        else
        {
            HmacKeysConfigured(app.Logger, settings.HmacKeys.Count);
        }
    }

    [LoggerMessage(EventId = 102, EventName = "NoHmacKey", Level = LogLevel.Warning,
        Message = "{Variable} is not set: POST /webhook/post-call will answer 503 until it is")]
    private static partial void NoHmacKey(ILogger logger, string variable);

    [LoggerMessage(EventId = 104, EventName = "BrowsingOff", Level = LogLevel.Information,
        Message = "{Variable} is not set: the read API (/api) and dashboard (/dashboard) are off")]
    private static partial void BrowsingOff(ILogger logger, string variable);

    [LoggerMessage(EventId = 103, EventName = "HmacKeysConfigured", Level = LogLevel.Information,
        Message = "Verifying post-call signatures with {Count} secret(s)")]
    private static partial void HmacKeysConfigured(ILogger logger, int count);
}
