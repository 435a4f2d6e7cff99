using System.Buffers;
using System.Buffers.Text;
using System.Net;
using System.Text.Json;

namespace Postcall.Forwarding;

/// <summary>
/// A forward's request body, written as often as needed (once to sign it, once to send it) from the stored payload,
/// never held whole: the payload's bytes as stored, or for audio ElevenLabs' own envelope around the recording
/// base64-encoded on the fly, or a small JSON of its own.
/// </summary>
internal sealed class ForwardBody : HttpContent
{
    private const int ChunkBytes = 3 * 32 * 1024;

    private readonly byte[] _prefix;
    private readonly Stream? _source;
    private readonly long _sourceLength;
    private readonly bool _base64;
    private readonly byte[] _suffix;

    private ForwardBody(byte[] prefix, Stream? source, long sourceLength, bool base64, byte[] suffix)
    {
        _prefix = prefix;
        _source = source;
        _sourceLength = sourceLength;
        _base64 = base64;
        _suffix = suffix;
        Headers.ContentType = new("application/json");
    }

    /// <summary>A stored JSON payload exactly as ElevenLabs sent it. <paramref name="payload"/> must be seekable.</summary>
    public static ForwardBody AsStored(Stream payload, long length) => new([], payload, length, base64: false, []);

    /// <summary><c>post_call_audio</c> as ElevenLabs delivers it, with <c>data.full_audio</c> the recording in base64.</summary>
    public static ForwardBody AudioEnvelope(Stream mp3, long length, string conversationId, string? agentId, long eventTimestamp)
    {
        var prefix = Json(writer =>
        {
            writer.WriteString("type", ElevenLabs.PostCallClassifier.AudioType);
            writer.WriteNumber("event_timestamp", eventTimestamp);
            writer.WriteStartObject("data");
            writer.WriteString("agent_id", agentId);
            writer.WriteString("conversation_id", conversationId);
        });
        // The writer closed data (the root stays open): cut that brace off to leave data open for full_audio.
        byte[] open = [.. prefix.AsSpan(0, prefix.Length - 1), .. ",\"full_audio\":\""u8];
        return new ForwardBody(open, mp3, length, base64: true, "\"}}"u8.ToArray());
    }

    /// <summary>A small JSON body of its own (the audio link).</summary>
    public static ForwardBody Small(Action<Utf8JsonWriter> write) => new(Json(write), null, 0, base64: false, []);

    /// <summary>Writes the whole body to <paramref name="sink"/>, from the start of the payload.</summary>
    public async Task WriteAllAsync(Func<ReadOnlyMemory<byte>, ValueTask> sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sink);
        await sink(_prefix);
        if (_source is not null)
        {
            _source.Position = 0;
            var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
            var encoded = _base64 ? ArrayPool<byte>.Shared.Rent(Base64.GetMaxEncodedToUtf8Length(ChunkBytes)) : null;
            try
            {
                long total = 0;
                int read;
                while ((read = await _source.ReadAtLeastAsync(buffer.AsMemory(0, ChunkBytes), ChunkBytes, throwOnEndOfStream: false, cancellationToken)) > 0)
                {
                    total += read;
                    if (encoded is null)
                    {
                        await sink(buffer.AsMemory(0, read));
                        continue;
                    }

                    // Every chunk but the last is a multiple of three bytes, so the pieces join into one base64 string.
                    Base64.EncodeToUtf8(buffer.AsSpan(0, read), encoded, out _, out var written, isFinalBlock: true);
                    await sink(encoded.AsMemory(0, written));
                }

                if (total != _sourceLength)
                {
                    throw new IOException($"The stored payload changed while it was being sent ({total} bytes, expected {_sourceLength}).");
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
                if (encoded is not null)
                {
                    ArrayPool<byte>.Shared.Return(encoded);
                }
            }
        }

        await sink(_suffix);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        WriteAllAsync(chunk => stream.WriteAsync(chunk, cancellationToken), cancellationToken);

    protected override bool TryComputeLength(out long length)
    {
        var payload = _base64 ? (_sourceLength + 2) / 3 * 4 : _sourceLength;
        length = _prefix.Length + payload + _suffix.Length;
        return true;
    }

    private static byte[] Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
