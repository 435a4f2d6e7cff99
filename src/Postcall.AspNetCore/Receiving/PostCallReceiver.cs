using System.Buffers;
using System.Diagnostics;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Postcall.ElevenLabs;
using Postcall.Hosting;
using Postcall.Http;
using Postcall.Index;
using Postcall.Observability;
using Postcall.Storage;

namespace Postcall.Receiving;

/// <summary>
/// One delivery, start to finish: check the header; receive the body into its HMAC, its spool file and (JSON) the
/// reader that decodes a recording as it arrives; decide on the signature, and only then let what was read count;
/// commit durably. Every early exit removes what it wrote.
/// </summary>
internal sealed partial class PostCallReceiver(PostcallSettings settings, IPayloadStore store, UnverifiedAdmission unverified, TimeProvider time,
    PostcallMetrics metrics, CallCommit commit, ILogger<PostCallReceiver> logger)
{
    /// <summary>Event types this version does not know that it has stored since it started: each is logged once.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _newEventTypes = new(StringComparer.Ordinal);

    private readonly SignatureVerifier? _verifier =
        settings.HmacKeys.Count > 0 ? new SignatureVerifier(settings.HmacKeys, time) : null;

    public async Task<Results<Answer<SuccessEnvelope<PostCallStored>>, JsonHttpResult<ErrorEnvelope>, EmptyHttpResult>> ReceiveAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var observation = new DeliveryObservation(metrics, context.Outcome());
        try
        {
            var (stored, kind, rejection) = await StoreAsync(context, observation);
            if (rejection is not null)
            {
                observation.Rejected(rejection);
                if (rejection.RetryAfter is { } retryAfter)
                {
                    context.Response.Headers.RetryAfter = ((int)retryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                return ApiResults.Error(context, rejection.StatusCode, rejection.ErrorCode, rejection.Message);
            }

            var name = kind.WireName;
            var message = kind.IsOther
                ? $"Webhook of type '{kind.Name}' saved as received"
                : $"{char.ToUpperInvariant(name[0])}{name[1..]} webhook processed and saved";
            return ApiResults.Success(context, message, new PostCallStored(
                stored!.DisplayPath, name, kind == PayloadKind.Audio ? stored.Size : null, stored.Duplicate, kind.IsOther ? kind.Name : null));
        }
        catch (Exception e) when (e is StorageException or IndexUnavailableException or Forwarding.OutboxUnavailableException)
        {
            // The payload is not stored until the store, its forwards and (in shared mode) the database all have it: a retry will.
            observation.StorageFailed();
            StorageFailed(logger, context.RequestId(), e.InnerException?.GetType().Name ?? e.GetType().Name, e.InnerException?.Message ?? e.Message);
            return ApiResults.Error(context, StatusCodes.Status503ServiceUnavailable, ErrorCodes.StorageUnavailable,
                "The payload could not be stored; retry later.");
        }
        catch (Exception e) when (context.RequestAborted.IsCancellationRequested || e is ConnectionResetException)
        {
            // The sender went away mid-body; there is no one to answer and nothing was stored.
            observation.Aborted();
            return TypedResults.Empty;
        }
    }

    private async Task<(StoredPayload? Stored, PayloadKind Kind, Rejection? Rejection)> StoreAsync(HttpContext context, DeliveryObservation observation)
    {
        var request = context.Request;
        if (_verifier is null)
        {
            return (null, default, new Rejection(StatusCodes.Status503ServiceUnavailable, ErrorCodes.HmacKeyNotConfigured,
                $"{PostcallSettings.HmacKeyVariable} is not set; post-call webhooks cannot be verified."));
        }

        using var check = _verifier.Begin(request.Headers[SignatureHeader.Name].ToString());
        if (check.EarlyFailure is { } early)
        {
            return (null, default, SignatureRejection(early));
        }

        if (BodyFormat.Parse(request.ContentType, out var formatRejection) is not { } format)
        {
            return (null, default, formatRejection);
        }

        if (request.ContentLength > settings.MaxBodyBytes)
        {
            return (null, default, TooLarge());
        }

        var admission = await unverified.EnterAsync(context.Origin().Client, context.RequestAborted);
        if (admission.Ticket is not { } ticket)
        {
            return (null, default, SpoolRejection(admission.Refusal!.Value));
        }

        await using var spool = store.CreateTemp();
        // JSON is read as it arrives, so a recording is decoded while the rest of it is still on its way.
        await using var json = format.IsMultipart ? null : new PostCallJsonReader(store);
        using (ticket)
        {
            // Until its signature is checked, the body counts against its client's and everyone's unverified bounds.
            if (await ReceiveBodyAsync(context, check, spool, json, ticket) is { } receiveRejection)
            {
                return (null, default, receiveRejection);
            }

            if (check.Complete() is var status && status != SignatureStatus.Valid)
            {
                return (null, default, SignatureRejection(status));
            }

            ticket.Verified();
        }

        var read = json is null
            ? await MultipartAudioReader.ReadAsync(spool, format.Boundary!, store, context.RequestAborted)
            : await json.CompleteAsync(spool, context.RequestAborted);
        if (read.Payload is not { } payload)
        {
            return (null, default, read.Rejection);
        }

        await using var file = payload.File;
        observation.Classified(payload.Kind, payload.Id);
        if (payload.Kind.IsOther && _newEventTypes.TryAdd(payload.Kind.Name, true))
        {
            NewEventType(logger, payload.Kind.Name);
        }

        if (payload.Kind == PayloadKind.Audio && json is not null)
        {
            observation.AudioDecoded(file.Length, context.Outcome().BodyBytes ?? 0, json.ScanningTime);
        }

        var committing = Stopwatch.GetTimestamp();
        var stored = await commit.CommitAsync(payload, context.RequestAborted);
        observation.Stored(stored, Stopwatch.GetElapsedTime(committing));
        return (stored, payload.Kind, null);
    }

    /// <summary>
    /// Reads the body into its HMAC and its spool file, and a JSON body into <paramref name="json"/> as well, which
    /// decodes a recording as it arrives; from the point <paramref name="json"/> no longer needs the body (a recording
    /// is stored decoded) its bytes are not spooled. Every byte put on disk is first counted against the unverified
    /// bounds.
    /// </summary>
    private async Task<Rejection?> ReceiveBodyAsync(HttpContext context, SignatureCheck check, TempPayload spool, PostCallJsonReader? json,
        UnverifiedAdmission.Ticket ticket)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = settings.MaxBodyBytes;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(BufferSizeFor(context.Request.ContentLength));
        try
        {
            long total = 0;
            while (true)
            {
                int read;
                try
                {
                    read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted);
                }
                catch (BadHttpRequestException e)
                {
                    var (code, message) = ErrorCodes.ForStatus(e.StatusCode);
                    return new Rejection(e.StatusCode, code, message);
                }

                if (read == 0)
                {
                    return null;
                }

                total += read;
                context.Outcome().BodyBytes = total;
                if (total > settings.MaxBodyBytes)
                {
                    return TooLarge();
                }

                var piece = buffer.AsMemory(0, read);
                var decoded = json?.Scan(piece.Span) ?? 0;
                var keep = json?.NeedsBody ?? true;
                if (ticket.Reserve((keep ? read : 0) + decoded) is { } refusal)
                {
                    return SpoolRejection(refusal);
                }

                check.Append(piece.Span);
                if (keep)
                {
                    await spool.WriteAsync(piece, context.RequestAborted);
                }

                if (json is not null)
                {
                    await json.WriteDecodedAsync(context.RequestAborted);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>A body that says its length is read in one piece if small, else 256 KB at a time; at least 4 KB.</summary>
    private static int BufferSizeFor(long? length) => (int)Math.Clamp(length + 1 ?? long.MaxValue, 4 * 1024, 256 * 1024);

    private Rejection TooLarge() => new(StatusCodes.Status413PayloadTooLarge, ErrorCodes.PayloadTooLarge,
        $"The body is larger than {settings.MaxBodyBytes} bytes ({PostcallSettings.MaxBodyBytesVariable}).");

    private Rejection SpoolRejection(SpoolRefusal refusal) => refusal switch
    {
        SpoolRefusal.ClientBusy => new(StatusCodes.Status429TooManyRequests, ErrorCodes.TooManyDeliveries,
            $"This address already has {unverified.Limits.PerClient} deliveries being received ({PostcallSettings.UnverifiedPerClientVariable}); retry shortly.",
            RetryAfter: TimeSpan.FromSeconds(5)),
        SpoolRefusal.Busy => new(StatusCodes.Status503ServiceUnavailable, ErrorCodes.ServerBusy,
            $"Too many deliveries are being received at once ({PostcallSettings.UnverifiedMaxBytesVariable}); retry shortly.",
            RetryAfter: TimeSpan.FromSeconds(5)),
        _ => new(StatusCodes.Status503ServiceUnavailable, ErrorCodes.StorageUnavailable,
            $"Storing this would leave less free space than {PostcallSettings.MinFreeBytesVariable}; retry later.",
            RetryAfter: TimeSpan.FromSeconds(60)),
    };

    private static Rejection SignatureRejection(SignatureStatus status) => new(StatusCodes.Status401Unauthorized, status.ToErrorCode(), status switch
    {
        SignatureStatus.Missing => $"The {SignatureHeader.Name} header is missing.",
        SignatureStatus.Malformed => $"The {SignatureHeader.Name} header is not of the form t=<unix seconds>,v0=<hex>.",
        SignatureStatus.TimestampOutOfTolerance => "The signature's timestamp is more than 30 minutes from now.",
        _ => "The signature does not match the body for any configured secret.",
    });

    [LoggerMessage(EventId = 2002, EventName = "NewEventType", Level = LogLevel.Warning,
        Message = "Stored a '{EventType}' delivery, an event type this version does not know: it is kept as received in <conversation>_{EventType}.json and shown as an extra file of its conversation")]
    private static partial void NewEventType(ILogger logger, string eventType);

    [LoggerMessage(EventId = 2001, EventName = "StorageFailed", Level = LogLevel.Warning,
        Message = "{RequestId} could not store the payload: {ErrorType}: {ErrorMessage}")]
    private static partial void StorageFailed(ILogger logger, string requestId, string errorType, string errorMessage);
}
