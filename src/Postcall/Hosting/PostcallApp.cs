using Postcall.Conversations;
using Postcall.Dashboard;
using Postcall.ElevenLabs;
using Postcall.Forwarding;
using Postcall.Generic;
using Postcall.Http;
using Postcall.Observability;
using Postcall.Storage;

namespace Postcall.Hosting;

internal static partial class PostcallApp
{
    /// <summary>The request pipeline and every endpoint. Validates the settings first: bad ones stop start-up.</summary>
    public static WebApplication MapPostcall(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var settings = app.Services.GetRequiredService<PostcallSettings>();
        ListenFailure.CheckAddresses(app.Configuration);
        PrepareStorage(app, settings);

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
        app.MapPostCall();
        if (settings.ReadKeys.Count > 0)
        {
            app.MapConversations();
            app.MapForwarding();
            app.MapDashboard();
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

    private static void PrepareStorage(WebApplication app, PostcallSettings settings)
    {
        var store = app.Services.GetRequiredService<IPayloadStore>();
        var index = app.Services.GetRequiredService<Index.IConversationIndex>();
        try
        {
            var removed = store.Initialize();
            StorageReady(app.Logger, store.Location, removed);
            if (settings.IsShared)
            {
                SharedMode(app.Logger, store.Location, index.Location, store.Spool.Folder);
            }
            else
            {
                SingleInstance(app.Logger, store.Location, index.Location);
            }
        }
        catch (RootInUseException e)
        {
            // Running beside it would delete the other service's bodies in flight: refuse to start.
            throw new SettingsException(e.Message, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Keep serving: health and docs still work, and deliveries answer 503 (retried) until the disk is fixed.
            StorageNotReady(app.Logger, store.Location, e.Message);
        }

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

    [LoggerMessage(EventId = 100, EventName = "StorageReady", Level = LogLevel.Information,
        Message = "Storing payloads under {Root} ({Removed} stale temp files removed)")]
    private static partial void StorageReady(ILogger logger, string root, int removed);

    [LoggerMessage(EventId = 105, EventName = "SharedMode", Level = LogLevel.Information,
        Message = "Shared mode: payloads in {Store}, index, leases and media-link key in {Database}; several instances may serve these calls (this one's local state: {LocalState})")]
    private static partial void SharedMode(ILogger logger, string store, string database, string localState);

    [LoggerMessage(EventId = 106, EventName = "SingleInstance", Level = LogLevel.Information,
        Message = "Single-instance mode: payloads in {Store}, index in {Index}. Run one instance on these; several need both POSTCALL_DATABASE_URL and POSTCALL_STORAGE_URL")]
    private static partial void SingleInstance(ILogger logger, string store, string index);

    [LoggerMessage(EventId = 101, EventName = "StorageNotReady", Level = LogLevel.Error,
        Message = "Storage root {Root} is not usable: {Reason}")]
    private static partial void StorageNotReady(ILogger logger, string root, string reason);

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
