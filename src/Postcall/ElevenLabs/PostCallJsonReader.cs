using System.Buffers;
using Postcall.Storage;

namespace Postcall.ElevenLabs;

/// <summary>
/// Reads a spooled JSON delivery with <see cref="PostCallBodyScanner"/>, writing any decoded audio to its own temp
/// file chunk by chunk, so memory stays flat however large the recording.
/// </summary>
public static class PostCallJsonReader
{
    private const int ChunkSize = 256 * 1024;

    public static async Task<ReadOutcome> ReadAsync(TempPayload spool, IPayloadStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spool);
        ArgumentNullException.ThrowIfNull(store);
        var decoded = new ArrayBufferWriter<byte>(ChunkSize);
        var scanner = new PostCallBodyScanner(decoded);
        TempPayload? audio = null;
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            await using (var input = spool.OpenRead())
            {
                int read;
                while (!scanner.IsInvalidJson && (read = await input.ReadAsync(buffer.AsMemory(0, ChunkSize), cancellationToken)) > 0)
                {
                    scanner.Feed(buffer.AsSpan(0, read));
                    audio = await DrainAsync(decoded, audio, store, cancellationToken);
                }
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
            ArrayPool<byte>.Shared.Return(buffer);
            if (audio is not null)
            {
                await audio.DisposeAsync();
            }
        }
    }

    private static async Task<TempPayload?> DrainAsync(ArrayBufferWriter<byte> decoded, TempPayload? audio, IPayloadStore store, CancellationToken cancellationToken)
    {
        if (decoded.WrittenCount == 0)
        {
            return audio;
        }

        audio ??= store.CreateTemp();
        await audio.WriteAsync(decoded.WrittenMemory, cancellationToken);
        decoded.ResetWrittenCount();
        return audio;
    }
}
