using System.Globalization;
using System.Text;
using System.Text.Json;
using Postcall.Hosting;
using Postcall.Receiving;
using Postcall.Storage;

namespace Postcall.Reconciling;

/// <summary>
/// Stores what the Conversations API gives for a call whose webhook never came, through the same commit as a
/// delivery (durable, forwarded, handed to handlers, indexed), marked as fetched: the conversation as a
/// <c>post_call_transcription</c> envelope whose <c>data</c> is the API's object and whose <c>event_timestamp</c> is
/// when it was fetched; the recording streamed to storage, never whole in memory. A payload already stored is never
/// replaced by a fetched one.
/// </summary>
internal sealed class Backfill(ConversationsApi api, IPayloadStore store, CallCommit commit, PostcallSettings settings, TimeProvider time)
{
    private static readonly byte[] AudioMagicId3 = "ID3"u8.ToArray();

    /// <summary>The stored transcription; null when one was already stored.</summary>
    public async Task<StoredPayload?> FetchTranscriptionAsync(ConversationId id, CancellationToken cancellationToken)
    {
        if (await IsStoredAsync(id, PayloadKind.Transcription, cancellationToken))
        {
            return null;
        }

        var data = await api.GetConversationAsync(id, cancellationToken);
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        await using var temp = store.CreateTemp();
        await temp.WriteAsync(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $$"""{"type":"{{PostCallClassifier.TranscriptionType}}","event_timestamp":{{now}},"data":""")), cancellationToken);
        await temp.WriteAsync(data, cancellationToken);
        await temp.WriteAsync("}"u8.ToArray(), cancellationToken);
        return await commit.CommitAsync(
            new PreparedPayload(PayloadKind.Transcription, id, temp, new DeliveryEnvelope(AgentOf(data), now), Fetched: true), cancellationToken);
    }

    /// <summary>The stored recording; null when one was already stored.</summary>
    /// <param name="agentId">The call's agent, for destinations that take some agents only.</param>
    public async Task<StoredPayload?> FetchAudioAsync(ConversationId id, string? agentId, CancellationToken cancellationToken)
    {
        if (await IsStoredAsync(id, PayloadKind.Audio, cancellationToken))
        {
            return null;
        }

        using var response = await api.OpenAudioAsync(id, cancellationToken);
        if (response.Content.Headers.ContentLength > settings.MaxBodyBytes)
        {
            throw new ElevenLabsApiException(ApiFailure.Malformed, $"The recording is larger than {PostcallSettings.MaxBodyBytesVariable}.", 200);
        }

        await using var temp = store.CreatePayloadTemp();
        await using (var audio = await response.Content.ReadAsStreamAsync(cancellationToken))
        {
            await CopyAudioAsync(audio, temp, cancellationToken);
        }

        var now = time.GetUtcNow().ToUnixTimeSeconds();
        return await commit.CommitAsync(new PreparedPayload(PayloadKind.Audio, id, temp, new DeliveryEnvelope(agentId, now), Fetched: true),
            cancellationToken);
    }

    private async Task<bool> IsStoredAsync(ConversationId id, PayloadKind kind, CancellationToken cancellationToken) =>
        (await store.PayloadsAsync(id, cancellationToken)).Any(p => p.Kind == kind);

    /// <summary>Copies in 64 KB pieces, bounded by POSTCALL_MAX_BODY_BYTES; what does not start as an MP3 is refused.</summary>
    private async Task CopyAudioAsync(Stream audio, TempPayload temp, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        long total = 0;
        int read;
        try
        {
            while ((read = await audio.ReadAsync(buffer, cancellationToken)) > 0)
            {
                if (total == 0 && !LooksLikeMp3(buffer.AsSpan(0, read)))
                {
                    throw new ElevenLabsApiException(ApiFailure.Malformed, "The recording answered is not an MP3.", 200);
                }

                total += read;
                if (total > settings.MaxBodyBytes)
                {
                    throw new ElevenLabsApiException(ApiFailure.Malformed, $"The recording is larger than {PostcallSettings.MaxBodyBytesVariable}.", 200);
                }

                await temp.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            throw new ElevenLabsApiException(ApiFailure.Transient, $"The recording was cut off: {e.GetType().Name}.", 200, e);
        }

        if (total == 0)
        {
            throw new ElevenLabsApiException(ApiFailure.Malformed, "The recording answered is empty.", 200);
        }
    }

    /// <summary>An ID3 tag or an MPEG frame sync: enough to refuse an error page or JSON stored as a recording.</summary>
    private static bool LooksLikeMp3(ReadOnlySpan<byte> head) =>
        head.StartsWith(AudioMagicId3) || (head.Length >= 2 && head[0] == 0xFF && (head[1] & 0xE0) == 0xE0);

    private static string? AgentOf(byte[] data)
    {
        using var document = JsonDocument.Parse(data);
        return document.RootElement.TryGetProperty("agent_id", out var agent) && agent.ValueKind == JsonValueKind.String ? agent.GetString() : null;
    }
}
