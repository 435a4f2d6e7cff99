using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;

namespace Postcall.ElevenLabs;

/// <summary>
/// ElevenLabs' <c>post_call_audio</c> envelope around a recording, as ElevenLabs delivers it:
/// <c>{"type":"post_call_audio","event_timestamp":…,"data":{"agent_id":…,"conversation_id":…,"full_audio":"&lt;base64&gt;"}}</c>.
/// The base64 is made piece by piece as the MP3 is read, so a recording of tens of megabytes is never held whole.
/// </summary>
public sealed class AudioEnvelope
{
    /// <summary>How many bytes of the MP3 are encoded at a time: a multiple of three, so the pieces join into one string.</summary>
    private const int ChunkBytes = 3 * 32 * 1024;

    private static readonly byte[] TailBytes = "\"}}"u8.ToArray();

    private readonly byte[] _head;

    /// <summary>Makes the envelope of one recording.</summary>
    /// <param name="conversationId">The conversation recorded.</param>
    /// <param name="agentId">The agent of the call, when known.</param>
    /// <param name="eventTimestamp">When the webhook was sent, in Unix seconds.</param>
    public AudioEnvelope(string conversationId, string? agentId, long eventTimestamp)
    {
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteStart(writer, conversationId, agentId, eventTimestamp);
            writer.WriteString("full_audio", string.Empty);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        // Everything up to the closing quote of the empty full_audio: the base64 goes there.
        _head = buffer.WrittenSpan[..^TailBytes.Length].ToArray();
    }

    /// <summary>
    /// Starts an object of the envelope's shape (<c>type</c>, <c>event_timestamp</c>, and <c>data</c> with the ids, left
    /// open), for a body that carries the recording some other way, such as a link to it.
    /// </summary>
    /// <param name="writer">Where the object is written; the caller writes the rest of <c>data</c> and closes both.</param>
    /// <param name="conversationId">The conversation recorded.</param>
    /// <param name="agentId">The agent of the call, when known.</param>
    /// <param name="eventTimestamp">When the webhook was sent, in Unix seconds.</param>
    public static void WriteStart(Utf8JsonWriter writer, string conversationId, string? agentId, long eventTimestamp)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        writer.WriteString("type", AudioEvent.WireType);
        writer.WriteNumber("event_timestamp", eventTimestamp);
        writer.WriteStartObject("data");
        writer.WriteString("agent_id", agentId);
        writer.WriteString("conversation_id", conversationId);
    }

    /// <summary>How long the envelope is around a recording of <paramref name="mp3Length"/> bytes.</summary>
    /// <param name="mp3Length">The recording's length in bytes.</param>
    public long LengthAround(long mp3Length) => _head.Length + ((mp3Length + 2) / 3 * 4) + TailBytes.Length;

    /// <summary>Writes the envelope around the recording read from <paramref name="mp3"/>, from where it stands to its end.</summary>
    /// <param name="mp3">The recording.</param>
    /// <param name="sink">Takes each piece of the body in order; a piece is only valid until it returns.</param>
    /// <param name="cancellationToken">Stops the writing.</param>
    /// <returns>How many bytes of the recording were read.</returns>
    public async Task<long> WriteAsync(Stream mp3, Func<ReadOnlyMemory<byte>, ValueTask> sink, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(mp3);
        ArgumentNullException.ThrowIfNull(sink);
        await sink(_head);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        var encoded = ArrayPool<byte>.Shared.Rent(Base64.GetMaxEncodedToUtf8Length(ChunkBytes));
        long total = 0;
        try
        {
            int read;
            while ((read = await mp3.ReadAtLeastAsync(buffer.AsMemory(0, ChunkBytes), ChunkBytes, throwOnEndOfStream: false, cancellationToken)) > 0)
            {
                total += read;
                Base64.EncodeToUtf8(buffer.AsSpan(0, read), encoded, out _, out var written, isFinalBlock: true);
                await sink(encoded.AsMemory(0, written));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            ArrayPool<byte>.Shared.Return(encoded);
        }

        await sink(TailBytes);
        return total;
    }
}
