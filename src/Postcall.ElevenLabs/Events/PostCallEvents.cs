using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Postcall.ElevenLabs;

/// <summary>
/// Reads ElevenLabs' post-call webhooks and conversations from their JSON, tolerantly: fields and enumeration values
/// added later are kept, not refused; only a missing <c>type</c>, <c>data</c> or id is an error.
/// </summary>
public static class PostCallEvents
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 256 };

    /// <summary>
    /// Reads a webhook's body. The body is not copied: a <c>post_call_audio</c> event decodes its recording from
    /// <paramref name="utf8Json"/> as it is read, so the memory must not change while the event is in use.
    /// </summary>
    /// <param name="utf8Json">The body, UTF-8 JSON, exactly as delivered or stored.</param>
    /// <returns>The event, of the class its <c>type</c> names; <see cref="UnknownEvent"/> for a type added later.</returns>
    /// <exception cref="JsonException">Not JSON, or without a <c>type</c>, a <c>data</c> object or its ids.</exception>
    public static PostCallEvent Parse(ReadOnlyMemory<byte> utf8Json)
    {
        using var document = JsonDocument.Parse(utf8Json, DocumentOptions);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("A post-call webhook is a JSON object.");
        }

        var type = root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() is { Length: > 0 } name
            ? name
            : throw new JsonException("A post-call webhook names its \"type\".");
        long? timestamp = root.TryGetProperty("event_timestamp", out var ts) && ts.ValueKind == JsonValueKind.Number && ts.TryGetInt64(out var seconds)
            ? seconds
            : null;
        if (!root.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("A post-call webhook carries a \"data\" object.");
        }

        return type switch
        {
            TranscriptionEvent.WireType => new TranscriptionEvent(ReadConversation(data), timestamp),
            CallInitiationFailureEvent.WireType => new CallInitiationFailureEvent(ReadFailure(data), timestamp),
            AudioEvent.WireType => ReadAudio(utf8Json, data, timestamp),
            _ => new UnknownEvent(type, RequiredString(data, "conversation_id"), OptionalString(data, "agent_id"), timestamp, data.Clone()),
        };
    }

    /// <summary>Reads a conversation: a transcription webhook's <c>data</c>, or the Conversations API's answer for one call.</summary>
    /// <param name="utf8Json">The conversation object, UTF-8 JSON.</param>
    /// <exception cref="JsonException">Not a JSON object, or without its ids.</exception>
    public static Conversation ParseConversation(ReadOnlySpan<byte> utf8Json) =>
        JsonSerializer.Deserialize(utf8Json, PostCallJson.Default.Conversation) ?? throw new JsonException("A conversation is a JSON object.");

    private static AudioEvent ReadAudio(ReadOnlyMemory<byte> body, JsonElement data, long? timestamp)
    {
        var id = RequiredString(data, "conversation_id");
        var agent = RequiredString(data, "agent_id");
        if (!data.TryGetProperty("full_audio", out var audio) || audio.ValueKind != JsonValueKind.String)
        {
            throw new JsonException("A post_call_audio webhook carries \"full_audio\", a base64 string.");
        }

        var base64 = Base64Text(body, audio);
        return new AudioEvent(id, agent, timestamp, _ => Task.FromResult<Stream>(OpenDecoded(base64)));
    }

    /// <summary>The base64 text of the recording: a slice of the body itself unless JSON escapes had to be undone.</summary>
    private static ReadOnlyMemory<byte> Base64Text(ReadOnlyMemory<byte> body, JsonElement audio)
    {
        var raw = JsonMarshal.GetRawUtf8Value(audio);
        if (raw.Length >= 2 && raw[0] == (byte)'"' && raw[^1] == (byte)'"')
        {
            raw = raw[1..^1];
        }

        if (raw.IndexOf((byte)'\\') < 0 && body.Span.Overlaps(raw, out var offset))
        {
            return body.Slice(offset, raw.Length);
        }

        return Encoding.ASCII.GetBytes(audio.GetString()!);
    }

    private static CryptoStream OpenDecoded(ReadOnlyMemory<byte> base64)
    {
        var text = MemoryMarshal.TryGetArray(base64, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(base64.ToArray(), writable: false);
        return new CryptoStream(text, new FromBase64Transform(FromBase64TransformMode.IgnoreWhiteSpaces), CryptoStreamMode.Read);
    }

    private static Conversation ReadConversation(JsonElement data)
    {
        var conversation = data.Deserialize(PostCallJson.Default.Conversation)!;
        RequireIds(conversation.ConversationId, conversation.AgentId);
        return conversation;
    }

    private static CallInitiationFailure ReadFailure(JsonElement data)
    {
        var failure = data.Deserialize(PostCallJson.Default.CallInitiationFailure)!;
        RequireIds(failure.ConversationId, failure.AgentId);
        return failure;
    }

    /// <summary>Required members refuse a missing id; an empty one is refused here.</summary>
    private static void RequireIds(string conversationId, string agentId)
    {
        if (conversationId.Length == 0 || agentId.Length == 0)
        {
            throw new JsonException("The webhook's data names its \"conversation_id\" and \"agent_id\".");
        }
    }

    private static string RequiredString(JsonElement data, string name) =>
        OptionalString(data, name) is { Length: > 0 } value ? value : throw new JsonException($"The webhook's data names its \"{name}\".");

    private static string? OptionalString(JsonElement data, string name) =>
        data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
