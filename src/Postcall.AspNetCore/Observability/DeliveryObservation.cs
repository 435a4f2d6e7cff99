using System.Diagnostics;
using Postcall.Http;
using Postcall.Receiving;
using Postcall.Storage;

namespace Postcall.Observability;

/// <summary>
/// What is seen of one delivery, told once to the metrics, the trace span and the request's log line. Disposing it
/// closes the delivery with the outcome recorded (or <c>aborted</c> if none was).
/// </summary>
internal sealed class DeliveryObservation : IDisposable
{
    private readonly PostcallMetrics _metrics;
    private readonly RequestOutcome _log;
    private readonly Activity? _span;
    private string _webhookType = "unknown";
    private string _outcome = "aborted";
    private string? _errorCode;

    internal DeliveryObservation(PostcallMetrics metrics, RequestOutcome log)
    {
        _metrics = metrics;
        _log = log;
        _span = PostcallActivity.Source.StartActivity("postcall.delivery", ActivityKind.Internal);
        metrics.DeliveryStarted();
    }

    public void Classified(PayloadKind kind, ConversationId id)
    {
        _webhookType = _log.WebhookType = kind.WireName;
        _log.ConversationId = id.Value;
        _span?.SetTag("webhook.type", _webhookType);
        _span?.SetTag("conversation.id", id.Value);
    }

    public void AudioDecoded(long decodedBytes, long bodyBytes, TimeSpan elapsed) => _metrics.AudioDecoded(decodedBytes, bodyBytes, elapsed);

    public void Stored(StoredPayload stored, TimeSpan writeDuration)
    {
        ArgumentNullException.ThrowIfNull(stored);
        _outcome = _log.Result = stored.Duplicate ? "duplicate" : "stored";
        if (!stored.Duplicate)
        {
            _metrics.Stored(_webhookType, stored.Size, writeDuration);
        }
    }

    public void Rejected(Rejection rejection)
    {
        ArgumentNullException.ThrowIfNull(rejection);
        _outcome = "rejected";
        _errorCode = _log.Result = rejection.ErrorCode;
        if (rejection.StatusCode == StatusCodes.Status401Unauthorized)
        {
            _metrics.SignatureFailed(rejection.ErrorCode.Replace("signature_", string.Empty, StringComparison.Ordinal));
        }
    }

    public void StorageFailed()
    {
        _outcome = "storage_failure";
        _errorCode = _log.Result = ErrorCodes.StorageUnavailable;
    }

    public void Aborted() => _outcome = _log.Result = "aborted";

    public void Dispose()
    {
        _metrics.DeliveryFinished(_webhookType, _outcome, _errorCode);
        _span?.SetTag("postcall.outcome", _outcome);
        if (_errorCode is not null)
        {
            _span?.SetTag("error.code", _errorCode);
            _span?.SetStatus(ActivityStatusCode.Error);
        }

        _span?.Dispose();
    }
}
