using System.Buffers;
using System.Net;
using System.Text.Json;
using Postcall.ElevenLabs;

namespace Postcall.Forwarding;

/// <summary>
/// A forward's request body, written as often as needed (once to sign it, once to send it) from the stored payload,
/// never held whole: the payload's bytes as stored, or for audio ElevenLabs' own envelope around the recording
/// base64-encoded on the fly (<see cref="ElevenLabs.AudioEnvelope"/>), or a small JSON of its own.
/// </summary>
internal sealed class ForwardBody : HttpContent
{
    private const int ChunkBytes = 96 * 1024;

    private readonly byte[] _small;
    private readonly Stream? _source;
    private readonly long _sourceLength;
    private readonly AudioEnvelope? _envelope;

    private ForwardBody(byte[] small, Stream? source, long sourceLength, AudioEnvelope? envelope)
    {
        _small = small;
        _source = source;
        _sourceLength = sourceLength;
        _envelope = envelope;
        Headers.ContentType = new("application/json");
    }

    /// <summary>A stored JSON payload exactly as ElevenLabs sent it. <paramref name="payload"/> must be seekable.</summary>
    public static ForwardBody AsStored(Stream payload, long length) => new([], payload, length, null);

    /// <summary><c>post_call_audio</c> as ElevenLabs delivers it, with <c>data.full_audio</c> the recording in base64.</summary>
    public static ForwardBody AudioEnvelope(Stream mp3, long length, string conversationId, string? agentId, long eventTimestamp) =>
        new([], mp3, length, new AudioEnvelope(conversationId, agentId, eventTimestamp));

    /// <summary>A small JSON body of its own (the audio link).</summary>
    public static ForwardBody Small(Action<Utf8JsonWriter> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return new(buffer.WrittenSpan.ToArray(), null, 0, null);
    }

    /// <summary>Writes the whole body to <paramref name="sink"/>, from the start of the payload.</summary>
    public async Task WriteAllAsync(Func<ReadOnlyMemory<byte>, ValueTask> sink, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sink);
        if (_source is null)
        {
            await sink(_small);
            return;
        }

        _source.Position = 0;
        var total = _envelope is not null ? await _envelope.WriteAsync(_source, sink, cancellationToken) : await CopyAsync(_source, sink, cancellationToken);
        if (total != _sourceLength)
        {
            throw new IOException($"The stored payload changed while it was being sent ({total} bytes, expected {_sourceLength}).");
        }
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        WriteAllAsync(chunk => stream.WriteAsync(chunk, cancellationToken), cancellationToken);

    protected override bool TryComputeLength(out long length)
    {
        length = _source is null ? _small.Length : _envelope?.LengthAround(_sourceLength) ?? _sourceLength;
        return true;
    }

    private static async Task<long> CopyAsync(Stream source, Func<ReadOnlyMemory<byte>, ValueTask> sink, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            long total = 0;
            int read;
            while ((read = await source.ReadAsync(buffer.AsMemory(0, ChunkBytes), cancellationToken)) > 0)
            {
                total += read;
                await sink(buffer.AsMemory(0, read));
            }

            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
