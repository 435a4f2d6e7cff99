using System.Buffers;
using System.Diagnostics;
using Postcall.ElevenLabs;
using Postcall.Storage;

namespace Postcall.Receiving;

/// <summary>
/// Reads a JSON delivery with <see cref="PostCallBodyScanner"/> as its pieces arrive, writing any decoded audio to
/// its own temp file piece by piece: memory stays flat however large the recording, and the body is never read
/// back. Nothing it learns counts until the signature is valid: the receiver calls <see cref="CompleteAsync"/> only
/// then, and disposing it otherwise deletes what it wrote.
/// <para>
/// A recording is stored decoded, so its base64 body need not be kept: once the body has said it is
/// <c>post_call_audio</c> and its audio has begun, <see cref="NeedsBody"/> turns false for good. A second
/// <c>type</c> could no longer change that: the classifier refuses a body with two.
/// </para>
/// </summary>
internal sealed class PostCallJsonReader : IAsyncDisposable
{
    private readonly IPayloadStore _store;
    // Grows only when there is audio to decode: a transcription allocates nothing large.
    private readonly ArrayBufferWriter<byte> _decoded = new();
    private readonly PostCallBodyScanner _scanner;
    private TempPayload? _audio;
    private long _scanningTicks;

    public PostCallJsonReader(IPayloadStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _scanner = new PostCallBodyScanner(_decoded);
    }

    /// <summary>
    /// Whether the body's own bytes may still be what is stored (a transcription, a failure, a newer type): false
    /// once it can only be a recording or refused, and from then on the receiver need not keep them.
    /// </summary>
    public bool NeedsBody { get; private set; } = true;

    /// <summary>Time spent parsing and decoding, not waiting for the body.</summary>
    public TimeSpan ScanningTime => Stopwatch.GetElapsedTime(0, _scanningTicks);

    /// <summary>
    /// Scans the next piece of the body; returns how many decoded audio bytes it left waiting for
    /// <see cref="WriteDecodedAsync"/>, so the caller can count them against its bounds before they reach the disk.
    /// </summary>
    public int Scan(ReadOnlySpan<byte> piece)
    {
        var started = Stopwatch.GetTimestamp();
        _scanner.Feed(piece);
        _scanningTicks += Stopwatch.GetTimestamp() - started;
        NeedsBody &= !(_decoded.WrittenCount > 0 && _scanner.Fields.Type is { Kind: FieldKind.JsonString, Value: PostCallClassifier.AudioType });
        return _decoded.WrittenCount;
    }

    /// <summary>Writes the audio decoded so far to its temp file.</summary>
    public async ValueTask WriteDecodedAsync(CancellationToken cancellationToken)
    {
        if (_decoded.WrittenCount == 0)
        {
            return;
        }

        _audio ??= _store.CreatePayloadTemp();
        await _audio.WriteAsync(_decoded.WrittenMemory, cancellationToken);
        _decoded.ResetWrittenCount();
    }

    /// <summary>
    /// Ends a body whose signature is valid and classifies it. Transcriptions and failures are kept byte for byte, so
    /// their payload is <paramref name="spool"/>, which holds the body whenever <see cref="NeedsBody"/> stayed true;
    /// audio is kept decoded.
    /// </summary>
    public async Task<ReadOutcome> CompleteAsync(TempPayload spool, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spool);
        var valid = _scanner.Complete();
        await WriteDecodedAsync(cancellationToken);
        var classified = PostCallClassifier.Classify(_scanner.Fields, valid, out var rejection);
        if (classified is not { } c)
        {
            return rejection!;
        }

        var file = spool;
        if (c.Kind == PayloadKind.Audio)
        {
            (file, _audio) = (_audio!, null);
        }
        else if (!NeedsBody)
        {
            throw new InvalidOperationException("A body given up as a recording's was classified as another kind.");
        }

        return new PreparedPayload(c.Kind, c.Id, file, new DeliveryEnvelope(_scanner.Fields.AgentId, _scanner.Fields.EventTimestamp));
    }

    public async ValueTask DisposeAsync()
    {
        if (_audio is not null)
        {
            await _audio.DisposeAsync();
            _audio = null;
        }
    }
}
