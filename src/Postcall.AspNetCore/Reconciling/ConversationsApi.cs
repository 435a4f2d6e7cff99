using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Postcall.Hosting;
using Postcall.Storage;

namespace Postcall.Reconciling;

/// <summary>
/// ElevenLabs' Conversations API, read as untrusted input: list (a cursor over a newest-first list), get (the same
/// model as the transcription webhook's <c>data</c>) and the recording. The key (<c>xi-api-key</c>) is sent only to
/// the configured origin: redirects are followed here, not by the handler, and one to another origin goes without it.
/// A 429, a 5xx or a 408 is asked again after <see cref="RetryDelay"/>, up to <see cref="MaxAttempts"/> times;
/// everything else that is not a 200 is an <see cref="ElevenLabsApiException"/>, as is an answer too large or not
/// what the API documents.
/// </summary>
internal sealed class ConversationsApi(IHttpClientFactory clients, PostcallSettings settings, TimeProvider time)
{
    public const string ClientName = "elevenlabs-api";
    public const string KeyHeader = "xi-api-key";
    public const int MaxAttempts = 4;
    private const int MaxRedirects = 5;

    /// <summary>A page of 100 summaries is some tens of KB; anything near this is not a list.</summary>
    public const int MaxPageBytes = 8 * 1024 * 1024;

    /// <summary>A conversation's JSON, tool results and all; the webhook of the same call is bounded by POSTCALL_MAX_BODY_BYTES.</summary>
    public const int MaxConversationBytes = 64 * 1024 * 1024;

    /// <summary>How long an answer's headers may take; a recording's body then streams for as long as it needs.</summary>
    private static readonly TimeSpan HeadersTimeout = TimeSpan.FromSeconds(60);

    private readonly ElevenLabsApiSettings _api = settings.ElevenLabsApi;

    public bool IsEnabled => _api.IsEnabled;

    public async Task<ConversationListPage> ListAsync(ConversationListRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var query = new StringBuilder("/v1/convai/conversations?page_size=")
            .Append(Math.Clamp(request.PageSize, 1, 100).ToString(CultureInfo.InvariantCulture));
        Append(query, "cursor", request.Cursor);
        Append(query, "agent_id", request.AgentId);
        Append(query, "call_start_before_unix", request.StartedBefore?.ToString(CultureInfo.InvariantCulture));
        Append(query, "call_start_after_unix", request.StartedAfter?.ToString(CultureInfo.InvariantCulture));
        var body = await GetBytesAsync(query.ToString(), MaxPageBytes, cancellationToken);
        try
        {
            return ParsePage(body);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new ElevenLabsApiException(ApiFailure.Malformed, "The conversation list is not the documented JSON.", 200, e);
        }
    }

    /// <summary>The conversation's JSON object as the API sent it, checked to be an object of this id.</summary>
    public async Task<byte[]> GetConversationAsync(ConversationId id, CancellationToken cancellationToken)
    {
        var body = await GetBytesAsync($"/v1/convai/conversations/{id.Value}", MaxConversationBytes, cancellationToken);
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("conversation_id", out var said) || said.ValueKind != JsonValueKind.String
                || said.GetString() != id.Value)
            {
                throw new ElevenLabsApiException(ApiFailure.Malformed, "The conversation answered is not an object of the id asked for.", 200);
            }
        }
        catch (JsonException e)
        {
            throw new ElevenLabsApiException(ApiFailure.Malformed, "The conversation is not valid JSON.", 200, e);
        }

        return body;
    }

    /// <summary>The workspace's webhooks (<c>GET /v1/workspace/webhooks</c>).</summary>
    public async Task<IReadOnlyList<ListedWebhook>> WebhooksAsync(CancellationToken cancellationToken)
    {
        var body = await GetBytesAsync("/v1/workspace/webhooks?include_usages=true", MaxPageBytes, cancellationToken);
        try
        {
            using var document = JsonDocument.Parse(body);
            if (!document.RootElement.TryGetProperty("webhooks", out var items) || items.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException("No webhooks array.");
            }

            return [.. items.EnumerateArray().Where(w => w.ValueKind == JsonValueKind.Object && String(w, "webhook_id") is not null).Select(w => new ListedWebhook(
                String(w, "webhook_id")!, String(w, "name"), w.TryGetProperty("is_disabled", out var d) && d.ValueKind == JsonValueKind.True,
                w.TryGetProperty("is_auto_disabled", out var a) && a.ValueKind == JsonValueKind.True,
                Number(w, "most_recent_failure_error_code") is { } code ? (int)Math.Clamp(code, 0, 999) : null, Number(w, "most_recent_failure_timestamp"),
                w.TryGetProperty("usage", out var usage) && usage.ValueKind == JsonValueKind.Array
                    ? [.. usage.EnumerateArray().Where(u => u.ValueKind == JsonValueKind.Object).Select(u => String(u, "usage_type")).OfType<string>()]
                    : []))];
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            throw new ElevenLabsApiException(ApiFailure.Malformed, "The webhook list is not the documented JSON.", 200, e);
        }
    }

    /// <summary>The webhook ElevenLabs' agent settings send post-call events to (<c>GET /v1/convai/settings</c>); null when none is named.</summary>
    public async Task<string?> PostCallWebhookIdAsync(CancellationToken cancellationToken)
    {
        var body = await GetBytesAsync("/v1/convai/settings", MaxPageBytes, cancellationToken);
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("webhooks", out var webhooks)
                && webhooks.ValueKind == JsonValueKind.Object ? String(webhooks, "post_call_webhook_id") : null;
        }
        catch (JsonException e)
        {
            throw new ElevenLabsApiException(ApiFailure.Malformed, "The agent settings are not the documented JSON.", 200, e);
        }
    }

    /// <summary>The recording, streamed: the caller copies it and disposes the answer.</summary>
    public async Task<HttpResponseMessage> OpenAudioAsync(ConversationId id, CancellationToken cancellationToken) =>
        await SendAsync($"/v1/convai/conversations/{id.Value}/audio", cancellationToken);

    private static void Append(StringBuilder query, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            query.Append('&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
        }
    }

    private async Task<byte[]> GetBytesAsync(string pathAndQuery, int maxBytes, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(pathAndQuery, cancellationToken);
        if (response.Content.Headers.ContentLength > maxBytes)
        {
            throw TooLarge(maxBytes);
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var copy = new MemoryStream();
        var buffer = new byte[64 * 1024];
        int read;
        try
        {
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                if (copy.Length + read > maxBytes)
                {
                    throw TooLarge(maxBytes);
                }

                copy.Write(buffer, 0, read);
            }
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            throw new ElevenLabsApiException(ApiFailure.Transient, $"The answer was cut off: {e.GetType().Name}.", 200, e);
        }

        return copy.ToArray();
    }

    private static ElevenLabsApiException TooLarge(int maxBytes) =>
        new(ApiFailure.Malformed, string.Create(CultureInfo.InvariantCulture, $"The answer is larger than {maxBytes} bytes."), 200);

    /// <summary>A 200, after the retries a 429 or a 5xx earns; anything else throws.</summary>
    private async Task<HttpResponseMessage> SendAsync(string pathAndQuery, CancellationToken cancellationToken)
    {
        if (_api.ApiKey is null)
        {
            throw new InvalidOperationException($"{ElevenLabsApiSettings.ApiKeyVariable} is not set.");
        }

        var url = new Uri(_api.BaseUrl, pathAndQuery);
        for (var attempt = 0; ; attempt++)
        {
            HttpResponseMessage response;
            try
            {
                response = await FollowAsync(url, cancellationToken);
            }
            catch (Exception e) when (e is HttpRequestException or IOException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                if (attempt + 1 >= MaxAttempts)
                {
                    throw new ElevenLabsApiException(ApiFailure.Transient, $"The API could not be reached: {e.GetType().Name}.", null, e);
                }

                await Task.Delay(RetryDelay.Backoff(attempt, Random.Shared.NextDouble()), time, cancellationToken);
                continue;
            }

            if (response.StatusCode == HttpStatusCode.OK)
            {
                return response;
            }

            using (response)
            {
                var status = (int)response.StatusCode;
                var retryable = status is 408 or 429 or >= 500;
                if (!retryable || attempt + 1 >= MaxAttempts)
                {
                    throw await FailureAsync(response, cancellationToken);
                }

                await Task.Delay(RetryDelay.For(response.Headers, attempt, Random.Shared.NextDouble(), time.GetUtcNow()), time, cancellationToken);
            }
        }
    }

    /// <summary>One request, its redirects followed by hand: the key goes only to the configured origin, never downgraded.</summary>
    private async Task<HttpResponseMessage> FollowAsync(Uri url, CancellationToken cancellationToken)
    {
        var client = clients.CreateClient(ClientName);
        for (var hop = 0; ; hop++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            if (IsApiOrigin(url))
            {
                request.Headers.TryAddWithoutValidation(KeyHeader, _api.ApiKey);
            }

            using var headersTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            headersTimeout.CancelAfter(HeadersTimeout);
            var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, headersTimeout.Token);
            if ((int)response.StatusCode is not (301 or 302 or 303 or 307 or 308))
            {
                return response;
            }

            var location = response.Headers.Location;
            response.Dispose();
            if (location is null || hop + 1 >= MaxRedirects)
            {
                throw new ElevenLabsApiException(ApiFailure.Malformed, "The API redirected without a usable Location, or too often.");
            }

            var next = new Uri(url, location);
            if (next.Scheme is not ("https" or "http") || (url.Scheme == "https" && next.Scheme != "https"))
            {
                throw new ElevenLabsApiException(ApiFailure.Malformed, "The API redirected to an address that is not https.");
            }

            url = next;
        }
    }

    private bool IsApiOrigin(Uri url) =>
        Uri.Compare(url, _api.BaseUrl, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;

    /// <summary>The status and ElevenLabs' own code (<c>detail.code</c>, else <c>detail.status</c>), nothing else of the body.</summary>
    private static async Task<ElevenLabsApiException> FailureAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        string? code = null;
        try
        {
            if (response.Content.Headers.ContentLength is null or <= 64 * 1024)
            {
                var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
                if (body.Length <= 64 * 1024)
                {
                    code = ErrorCode(body);
                }
            }
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            // The status alone says enough.
        }

        var failure = status switch
        {
            404 => ApiFailure.NotFound,
            401 or 403 => ApiFailure.Unauthorized,
            408 or 429 or >= 500 => ApiFailure.Transient,
            _ => ApiFailure.Refused,
        };
        var said = code is null ? string.Empty : $" ({code})";
        return new ElevenLabsApiException(failure, string.Create(CultureInfo.InvariantCulture, $"The API answered {status}{said}."), status);
    }

    /// <summary><c>detail.code ?? detail.status</c>, when it is a short word; never free text from the body.</summary>
    private static string? ErrorCode(byte[] body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("detail", out var detail)
                && detail.ValueKind == JsonValueKind.Object)
            {
                foreach (var name in new[] { "code", "status" })
                {
                    if (detail.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 and <= 64 } text
                        && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
                    {
                        return text;
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Not the documented error shape: the status alone.
        }

        return null;
    }

    private static ConversationListPage ParsePage(byte[] body)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("conversations", out var items) || items.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("No conversations array.");
        }

        var listed = new List<ListedConversation>();
        var skipped = 0;
        foreach (var item in items.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Object && String(item, "conversation_id") is { } raw && ConversationId.TryParse(raw, out var id))
            {
                listed.Add(new ListedConversation(id, String(item, "agent_id"), Number(item, "start_time_unix_secs") ?? 0,
                    Number(item, "call_duration_secs") ?? 0, String(item, "status")));
            }
            else
            {
                skipped++;
            }
        }

        var cursor = String(root, "next_cursor");
        var hasMore = root.TryGetProperty("has_more", out var more) ? more.ValueKind == JsonValueKind.True : cursor is not null;
        return new ConversationListPage(listed, skipped, hasMore ? cursor : null, hasMore && cursor is not null);
    }

    private static string? String(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static long? Number(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : null;
}
