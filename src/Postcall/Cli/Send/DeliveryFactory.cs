using System.Text;
using System.Text.Json.Nodes;
using Postcall.Storage;

namespace Postcall.Cli.Send;

/// <summary>Builds realistic deliveries: ElevenLabs' envelope (as in its documentation) or the earlier service's shapes.</summary>
internal sealed class DeliveryFactory(TimeProvider time, FileInfo? audioFile, string failureKind, bool seedFormat)
{
    private long Now => time.GetUtcNow().ToUnixTimeSeconds();

    public static string NewConversationId() => $"conv_{Guid.NewGuid():N}"[..29];

    public OutgoingDelivery Create(PayloadKind kind, string conversationId) =>
        kind == PayloadKind.Audio ? (seedFormat ? AudioForm(conversationId) : AudioEnvelope(conversationId))
        : kind == PayloadKind.Transcription ? Json(kind, conversationId, seedFormat
            ? FlatTranscription(conversationId)
            : Envelope(SampleAssets.Json("post_call_transcription.json"), conversationId))
        : Json(kind, conversationId, seedFormat
            ? FlatFailure(conversationId)
            : Envelope(SampleAssets.Json($"call_initiation_failure_{failureKind}.json"), conversationId));

    private static OutgoingDelivery Json(PayloadKind kind, string conversationId, JsonObject body) =>
        OutgoingDelivery.FromBytes(kind, conversationId, "application/json", Encoding.UTF8.GetBytes(body.ToJsonString()));

    private JsonObject Envelope(JsonObject sample, string conversationId)
    {
        sample["event_timestamp"] = Now;
        var data = sample["data"]!.AsObject();
        data["conversation_id"] = conversationId;
        if (data["metadata"] is JsonObject metadata && metadata.ContainsKey("start_time_unix_secs"))
        {
            metadata["start_time_unix_secs"] = Now - (metadata["call_duration_secs"]?.GetValue<long>() ?? 0);
        }

        return sample;
    }

    private static JsonObject FlatTranscription(string conversationId)
    {
        var data = SampleAssets.Json("post_call_transcription.json")["data"]!.AsObject();
        return new JsonObject
        {
            ["conversation_id"] = conversationId,
            ["agent_id"] = data["agent_id"]!.DeepClone(),
            ["transcript"] = data["transcript"]!.DeepClone(),
            ["metadata"] = data["metadata"]!.DeepClone(),
            ["analysis"] = data["analysis"]!.DeepClone(),
        };
    }

    private JsonObject FlatFailure(string conversationId)
    {
        var data = SampleAssets.Json($"call_initiation_failure_{failureKind}.json")["data"]!.AsObject();
        return new JsonObject
        {
            ["conversation_id"] = conversationId,
            ["agent_id"] = data["agent_id"]!.DeepClone(),
            ["error_code"] = data["failure_reason"]!.DeepClone(),
            ["error_message"] = $"Call initiation failed ({failureKind}).",
        };
    }

    private OutgoingDelivery AudioEnvelope(string conversationId)
    {
        var envelope = new ElevenLabs.AudioEnvelope(conversationId, "xyz", Now);
        return new OutgoingDelivery(PayloadKind.Audio, conversationId, "application/json", async (target, ct) =>
        {
            await using var mp3 = OpenAudio();
            await envelope.WriteAsync(mp3, chunk => target.WriteAsync(chunk, ct), ct);
        }, null);
    }

    private OutgoingDelivery AudioForm(string conversationId)
    {
        var boundary = $"postcall-{Guid.NewGuid():N}";
        var head = Encoding.UTF8.GetBytes(
            $"--{boundary}\r\nContent-Disposition: form-data; name=\"conversation_id\"\r\n\r\n{conversationId}\r\n"
            + $"--{boundary}\r\nContent-Disposition: form-data; name=\"audio\"; filename=\"{conversationId}.mp3\"\r\nContent-Type: audio/mpeg\r\n\r\n");
        var tail = Encoding.UTF8.GetBytes($"\r\n--{boundary}--\r\n");
        return new OutgoingDelivery(PayloadKind.Audio, conversationId, $"multipart/form-data; boundary={boundary}", async (target, ct) =>
        {
            await target.WriteAsync(head, ct);
            await using (var mp3 = OpenAudio())
            {
                await mp3.CopyToAsync(target, 64 * 1024, ct);
            }

            await target.WriteAsync(tail, ct);
        }, null);
    }

    private Stream OpenAudio() => audioFile is null ? SampleAssets.Open("sample_call.mp3") : CliFiles.Open(audioFile);
}
