using Postcall.Observability;

namespace Postcall.Reconciling;

/// <summary>
/// Reads ElevenLabs' own view of its webhooks at each sweep: the post-call webhook disabled, auto-disabled (10
/// failures in a row and no success for 7 days: every event stops), or reporting a failure newer than the last
/// delivery Postcall accepted. Says so once per change in the log, in a gauge per webhook, and in
/// <c>GET /api/reconcile</c>. A key that may not read webhooks is said once; reconciling goes on.
/// </summary>
internal sealed partial class WebhookHealth
{
    /// <summary>Without a delivery accepted since start-up, a failure this recent counts as failing.</summary>
    private static readonly TimeSpan RecentFailure = TimeSpan.FromHours(1);

    private const string DownAdvice =
        "ElevenLabs is not sending post-call webhooks to this service: re-enable the webhook in ElevenLabs (Settings, Webhooks), then run a one-off reconcile over the outage (postcall reconcile --since <when it stopped>).";

    private const string FailingAdvice =
        "ElevenLabs reports failed deliveries to this webhook since the last one Postcall accepted: check the service's address, certificate and logs; calls lost meanwhile are fetched by the sweeps.";

    private readonly ConversationsApi _api;
    private readonly PostcallMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<WebhookHealth> _logger;
    private readonly Dictionary<string, string> _said = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private bool _forbiddenSaid;

    public WebhookHealth(ConversationsApi api, PostcallMetrics metrics, TimeProvider time, ILogger<WebhookHealth> logger)
    {
        _api = api;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        metrics.ObserveWebhooks(() => Latest.Webhooks.Select(w => (w.WebhookId, w.IsDown)));
    }

    public WebhookReport Latest { get; private set; } = WebhookReport.Unchecked;

    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<ListedWebhook> listed;
        string? postCallId;
        try
        {
            listed = await _api.WebhooksAsync(cancellationToken);
            postCallId = await PostCallIdAsync(cancellationToken);
        }
        catch (ElevenLabsApiException e) when (e.Failure == ApiFailure.Unauthorized)
        {
            lock (_lock)
            {
                if (!_forbiddenSaid)
                {
                    _forbiddenSaid = true;
                    Forbidden(_logger, e.Message);
                }
            }

            Latest = new WebhookReport("forbidden", [], _time.GetUtcNow(), null);
            return;
        }
        catch (ElevenLabsApiException e)
        {
            CheckFailed(_logger, e.Message);
            Latest = Latest with { Check = "error", CheckedAt = _time.GetUtcNow() };
            return;
        }

        var now = _time.GetUtcNow();
        var accepted = _metrics.LastSuccess;
        var statuses = listed.Select(w => Status(w, postCallId, accepted, now)).ToList();
        var relevant = statuses.Where(s => s.IsPostCall || postCallId is null).ToList();
        lock (_lock)
        {
            foreach (var status in relevant)
            {
                if (_said.TryGetValue(status.WebhookId, out var before) ? before != status.State : status.State != WebhookStatus.Healthy)
                {
                    Changed(_logger, status.WebhookId, status.Name ?? string.Empty, status.State, status.LastFailureStatus);
                }

                _said[status.WebhookId] = status.State;
            }
        }

        var advice = relevant.Any(s => s.IsDown) ? DownAdvice : relevant.Any(s => s.State == WebhookStatus.Failing) ? FailingAdvice : null;
        Latest = new WebhookReport("ok", statuses, now, advice);
    }

    /// <summary>The settings may be unreadable to a key that reads webhooks: then every webhook that could carry post-call events counts.</summary>
    private async Task<string?> PostCallIdAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _api.PostCallWebhookIdAsync(cancellationToken);
        }
        catch (ElevenLabsApiException e) when (e.Failure is ApiFailure.NotFound or ApiFailure.Unauthorized or ApiFailure.Malformed)
        {
            return null;
        }
    }

    private static WebhookStatus Status(ListedWebhook webhook, string? postCallId, DateTimeOffset? accepted, DateTimeOffset now)
    {
        DateTimeOffset? failedAt = webhook.LastFailureUnix is { } unix and > 0 and < 253402300799 ? DateTimeOffset.FromUnixTimeSeconds(unix) : null;
        var failing = failedAt is { } failed && (accepted is { } last ? failed > last : now - failed < RecentFailure);
        var state = webhook.IsAutoDisabled ? WebhookStatus.AutoDisabled
            : webhook.IsDisabled ? WebhookStatus.Disabled
            : failing ? WebhookStatus.Failing
            : WebhookStatus.Healthy;
        return new WebhookStatus(webhook.WebhookId, webhook.Name, webhook.WebhookId == postCallId, state, webhook.LastFailureStatus, failedAt);
    }

    [LoggerMessage(EventId = 6020, EventName = "ElevenLabsWebhookChanged", Level = LogLevel.Warning,
        Message = "ElevenLabs webhook {WebhookId} ({WebhookName}) is now {State} (last failure: {LastFailureStatus}); see GET /api/reconcile")]
    private static partial void Changed(ILogger logger, string webhookId, string webhookName, string state, int? lastFailureStatus);

    [LoggerMessage(EventId = 6021, EventName = "ElevenLabsWebhooksForbidden", Level = LogLevel.Warning,
        Message = "ELEVENLABS_API_KEY may not read the workspace's webhooks ({Reason}): their health is not watched; reconciling goes on")]
    private static partial void Forbidden(ILogger logger, string reason);

    [LoggerMessage(EventId = 6022, EventName = "ElevenLabsWebhookCheckFailed", Level = LogLevel.Warning,
        Message = "The webhooks' health could not be read now: {Reason}")]
    private static partial void CheckFailed(ILogger logger, string reason);
}
