using System.Buffers;
using Postcall.Storage;

namespace Postcall.ElevenLabs;

/// <summary>
/// Reads a spooled JSON delivery with <see cref="PostCallBodyScanner"/>, writing any decoded audio to its own temp
/// file chunk by chunk, so memory stays flat however large the recording.
/// </summary>
public static class PostCallJsonReader
{
    /// <param name="inMemory">The same bytes as <paramref name="spool"/>, when the receiver kept them: read instead of the file.</param>
    public static async Task<ReadOutcome> ReadAsync(TempPayload spool, IPayloadStore store, CancellationToken cancellationToken,
        ReadOnlyMemory<byte>? inMemory = null)
    {
        ArgumentNullException.ThrowIfNull(spool);
        ArgumentNullException.ThrowIfNull(store);
        // Grows only when there is audio to decode: a transcription allocates nothing large.
        var decoded = new ArrayBufferWriter<byte>();
        var scanner = new PostCallBodyScanner(decoded);
        TempPayload? audio = null;
        try
        {
            if (inMemory is { } bytes)
            {
                scanner.Feed(bytes.Span);
                audio = await DrainAsync(decoded, audio, store, cancellationToken);
            }
            else
            {
                audio = await ScanFileAsync(spool, scanner, decoded, store, cancellationToken);
            }

            var valid = scanner.Complete();
            audio = await DrainAsync(decoded, audio, store, cancellationToken);
            var classified = PostCallClassifier.Classify(scanner.Fields, valid, out var rejection);
            if (classified is not { } c)
            {
                return rejection!;
            }

            // Transcriptions and failures are kept byte for byte; audio is kept decoded.
            var file = c.Kind == PayloadKind.Audio ? audio! : spool;
            if (file == audio)
            {
                audio = null;
            }

            return new PreparedPayload(c.Kind, c.Id, file, new DeliveryEnvelope(scanner.Fields.AgentId, scanner.Fields.EventTimestamp));
        }
        finally
        {
            if (audio is not null)
            {
                await audio.DisposeAsync();
            }
        }
    }

    /// <summary>Feeds the spool file to the scanner piece by piece; returns the temp file the audio went to, if any.</summary>
    private static async Task<TempPayload?> ScanFileAsync(TempPayload spool, PostCallBodyScanner scanner, ArrayBufferWriter<byte> decoded,
        IPayloadStore store, CancellationToken cancellationToken)
    {
        TempPayload? audio = null;
        var chunk = SpooledBody.BufferSizeFor(spool.Length);
        var buffer = ArrayPool<byte>.Shared.Rent(chunk);
        try
        {
            await using var input = spool.OpenRead();
            int read;
            while (!scanner.IsInvalidJson && (read = await input.ReadAsync(buffer.AsMemory(0, chunk), cancellationToken)) > 0)
            {
                scanner.Feed(buffer.AsSpan(0, read));
                audio = await DrainAsync(decoded, audio, store, cancellationToken);
            }

            return audio;
        }
        catch
        {
            if (audio is not null)
            {
                await audio.DisposeAsync();
            }

            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task<TempPayload?> DrainAsync(ArrayBufferWriter<byte> decoded, TempPayload? audio, IPayloadStore store, CancellationToken cancellationToken)
    {
        if (decoded.WrittenCount == 0)
        {
            return audio;
        }

        audio ??= store.CreatePayloadTemp();
        await audio.WriteAsync(decoded.WrittenMemory, cancellationToken);
        decoded.ResetWrittenCount();
        return audio;
    }
}
