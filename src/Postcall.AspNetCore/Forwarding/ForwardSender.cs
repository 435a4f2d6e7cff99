using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Postcall.Access;
using Postcall.Storage;

namespace Postcall.Forwarding;

/// <summary>
/// Makes one attempt of a forward: reads the stored payload, builds its body, signs it as Standard Webhooks, sends it
/// with the destination's headers and timeout, and says what came of it. It never throws for the receiver's sake.
/// </summary>
internal sealed class ForwardSender(IHttpClientFactory clients, IPayloadStore store, MediaTokens mediaTokens, ForwardSettings settings,
    TimeProvider time, Hosting.PostcallSettings service)
{
    /// <summary>The client for destinations from the environment: any address.</summary>
    public const string TrustedClient = "postcall-forward";

    /// <summary>The client for destinations made through the API: public addresses only, unless allowed.</summary>
    public const string PublicClient = "postcall-forward-public";

    public const string EventTypeHeader = "Postcall-Event-Type";
    public const string ConversationHeader = "Postcall-Conversation-Id";
    public const string AttemptHeader = "Postcall-Attempt";

    /// <summary><c>true</c> on a forward whose payload was fetched from ElevenLabs' Conversations API, not delivered.</summary>
    public const string BackfilledHeader = "Postcall-Backfilled";

    /// <summary>Headers a destination may not set: the signature's, the body's and the connection's.</summary>
    public static readonly IReadOnlySet<string> ReservedHeaders = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "webhook-id", "webhook-timestamp", "webhook-signature", "content-type", "content-length", "transfer-encoding", "host",
        "connection", "expect", "upgrade", "te", "trailer", "keep-alive", "proxy-connection", EventTypeHeader, ConversationHeader, AttemptHeader, BackfilledHeader,
    };

    public async Task<AttemptOutcome> SendAsync(Destination destination, Forward forward, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(forward);
        var started = time.GetUtcNow();
        var clock = Stopwatch.StartNew();
        var number = forward.Attempts + 1;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(destination.Timeout);
        try
        {
            await using var payload = await store.OpenAsync(forward.ConversationId, forward.Kind, timeout.Token);
            if (payload is null)
            {
                return AttemptOutcome.Final(new ForwardAttempt(number, started, clock.Elapsed, null, null,
                    "the payload is no longer stored (deleted or past retention)", Succeeded: false));
            }

            using var body = await BodyAsync(destination, forward, payload, timeout.Token);
            var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
            using (var signer = new WebhookSigner(destination.Secret, forward.Id, timestamp))
            {
                await body.WriteAllAsync(chunk =>
                {
                    signer.Append(chunk.Span);
                    return ValueTask.CompletedTask;
                }, timeout.Token);
                using var request = new HttpRequestMessage(HttpMethod.Post, destination.Url) { Content = body };
                request.Headers.TryAddWithoutValidation("webhook-id", forward.Id);
                request.Headers.TryAddWithoutValidation("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
                request.Headers.TryAddWithoutValidation("webhook-signature", signer.Finish());
                request.Headers.TryAddWithoutValidation(EventTypeHeader, Receiving.PostCallClassifier.TypeOf(forward.Kind));
                request.Headers.TryAddWithoutValidation(ConversationHeader, forward.ConversationId.Value);
                request.Headers.TryAddWithoutValidation(AttemptHeader, number.ToString(CultureInfo.InvariantCulture));
                if (forward.Fetched)
                {
                    request.Headers.TryAddWithoutValidation(BackfilledHeader, "true");
                }

                request.Headers.UserAgent.ParseAdd($"Postcall/{service.AppVersion}");
                foreach (var (name, value) in destination.Headers)
                {
                    request.Headers.TryAddWithoutValidation(name, value);
                }

                var client = clients.CreateClient(destination.Source == DestinationSource.Api ? PublicClient : TrustedClient);
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                var answer = await ReadStartAsync(response, timeout.Token);
                var status = (int)response.StatusCode;
                var attempt = new ForwardAttempt(number, started, clock.Elapsed, status, answer, null, response.IsSuccessStatusCode);
                return response.IsSuccessStatusCode ? AttemptOutcome.Final(attempt)
                    : response.StatusCode == HttpStatusCode.Gone ? AttemptOutcome.Final(attempt with { Error = "410 Gone: the receiver will never take it" })
                    : AttemptOutcome.Retry(attempt, RetryAfter(response));
            }
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            return AttemptOutcome.Retry(Failed(number, started, clock, string.Create(CultureInfo.InvariantCulture,
                $"timed out after {destination.Timeout.TotalSeconds:0.#} s")), null);
        }
        catch (HttpRequestException e)
        {
            return AttemptOutcome.Retry(Failed(number, started, clock, Describe(e)), null);
        }
        catch (StorageException e)
        {
            return AttemptOutcome.Retry(Failed(number, started, clock, "the payload could not be read: " + e.Message), null);
        }
        catch (MediaKeyUnavailableException)
        {
            return AttemptOutcome.Retry(Failed(number, started, clock, "the media-link key could not be read"), null);
        }
        catch (IOException e)
        {
            return AttemptOutcome.Retry(Failed(number, started, clock, e.Message), null);
        }
    }

    private async Task<ForwardBody> BodyAsync(Destination destination, Forward forward, PayloadContent payload, CancellationToken cancellationToken)
    {
        if (forward.Kind != PayloadKind.Audio)
        {
            return ForwardBody.AsStored(payload.Stream, payload.Length);
        }

        var eventTimestamp = forward.EventTimestamp ?? payload.LastModified.ToUnixTimeSeconds();
        if (!destination.AudioAsLink || settings.PublicUrl is not { } publicUrl)
        {
            return ForwardBody.AudioEnvelope(payload.Stream, payload.Length, forward.ConversationId.Value, forward.AgentId, eventTimestamp);
        }

        // A link minted for this attempt, valid for MediaTokens.Lifetime from now.
        var token = await mediaTokens.CreateAsync(forward.ConversationId.Value, cancellationToken);
        var link = $"{publicUrl.AbsoluteUri.TrimEnd('/')}/api/conversations/{Uri.EscapeDataString(forward.ConversationId.Value)}/audio?{ApiKeyFilter.MediaTokenQuery}={token}";
        var expires = (time.GetUtcNow() + MediaTokens.Lifetime).ToUnixTimeSeconds();
        return ForwardBody.Small(writer =>
        {
            // The envelope's own shape, with a link where the recording would be.
            ElevenLabs.AudioEnvelope.WriteStart(writer, forward.ConversationId.Value, forward.AgentId, eventTimestamp);
            writer.WriteString("audio_url", link);
            writer.WriteNumber("audio_url_expires_at", expires);
            writer.WriteNumber("audio_bytes", payload.Length);
            writer.WriteString("audio_content_type", "audio/mpeg");
            writer.WriteEndObject();
            writer.WriteEndObject();
        });
    }

    private static async Task<string?> ReadStartAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var buffer = new byte[ForwardAttempt.MaxResponseChars * 4];
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
        if (read == 0)
        {
            return null;
        }

        var text = Encoding.UTF8.GetString(buffer, 0, read);
        return text.Length > ForwardAttempt.MaxResponseChars ? text[..ForwardAttempt.MaxResponseChars] : text;
    }

    /// <summary>A 429's or 503's <c>Retry-After</c>, in seconds or as a date; null when there is none.</summary>
    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        if (response.StatusCode is not (HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable) || response.Headers.RetryAfter is not { } header)
        {
            return null;
        }

        return header.Delta ?? (header.Date is { } date ? date - time.GetUtcNow() : null);
    }

    private static string Describe(HttpRequestException e)
    {
        var inner = e.InnerException is { } cause && cause.Message != e.Message ? $" ({cause.Message})" : string.Empty;
        return e.HttpRequestError == HttpRequestError.Unknown ? e.Message + inner : $"{e.HttpRequestError}: {e.Message}{inner}";
    }

    private static ForwardAttempt Failed(int number, DateTimeOffset started, Stopwatch clock, string error) =>
        new(number, started, clock.Elapsed, null, null, error, Succeeded: false);
}
