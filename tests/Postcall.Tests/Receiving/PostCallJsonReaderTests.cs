using System.Text;
using Postcall.Receiving;
using Postcall.Storage;
using Postcall.Storage.Files;
using Postcall.Tests.Support;

namespace Postcall.Tests.Receiving;

/// <summary>
/// When the receiver may stop keeping a body's own bytes: only once the body can be nothing but a recording (its
/// <c>type</c> said audio and its audio has begun), and never for a body that would be stored as received.
/// </summary>
public sealed class PostCallJsonReaderTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("postcall-reader-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>Feeds <paramref name="body"/> in pieces of <paramref name="piece"/> bytes; returns NeedsBody after each.</summary>
    private async Task<(List<bool> NeedsBody, ReadOutcome Outcome, byte[]? Audio)> ReadAsync(string body, int piece)
    {
        var ct = TestContext.Current.CancellationToken;
        using var store = new FilePayloadStore(_root);
        await using var spool = store.CreateTemp();
        await using var reader = new PostCallJsonReader(store);
        var bytes = Encoding.UTF8.GetBytes(body);
        var needs = new List<bool>();
        for (var at = 0; at < bytes.Length; at += piece)
        {
            var part = bytes.AsMemory(at, Math.Min(piece, bytes.Length - at));
            reader.Scan(part.Span);
            if (reader.NeedsBody)
            {
                await spool.WriteAsync(part, ct);
            }

            await reader.WriteDecodedAsync(ct);
            needs.Add(reader.NeedsBody);
        }

        var outcome = await reader.CompleteAsync(spool, ct);
        byte[]? audio = null;
        if (outcome.Payload is { Kind: var kind } payload && kind == PayloadKind.Audio)
        {
            await using (payload.File)
            {
                audio = await File.ReadAllBytesAsync(payload.File.Path, ct);
            }
        }

        return (needs, outcome, audio);
    }

    [Fact]
    public async Task An_audio_body_is_given_up_once_its_audio_begins_and_the_recording_is_whole()
    {
        var mp3 = new byte[30_000];
        new Random(3).NextBytes(mp3);
        var (needs, outcome, audio) = await ReadAsync(Deliveries.Audio("reader-call", mp3), 1000);

        Assert.True(needs[0]);
        Assert.False(needs[^1]);
        Assert.Equal(needs.Count(n => n), needs.TakeWhile(n => n).Count());
        Assert.Equal(PayloadKind.Audio, outcome.Payload?.Kind);
        Assert.Equal(mp3, audio);
    }

    [Theory]
    [InlineData("{\"data\":{\"conversation_id\":\"late\",\"full_audio\":\"SUQzBAAAAAAA\"},\"type\":\"post_call_audio\"}")]
    [InlineData("{\"type\":\"post_call_transcription\",\"data\":{\"conversation_id\":\"t\",\"full_audio\":\"SUQzBAAAAAAA\"}}")]
    [InlineData("{\"type\":\"post_call_transcription\",\"data\":{\"conversation_id\":\"t\",\"transcript\":[]}}")]
    public async Task A_body_that_may_be_stored_as_received_is_kept_to_its_end(string body)
    {
        var (needs, outcome, _) = await ReadAsync(body, 7);

        Assert.All(needs, Assert.True);
        Assert.NotNull(outcome.Payload);
    }

    [Fact]
    public async Task A_second_type_after_the_audio_began_refuses_the_body()
    {
        var (needs, outcome, _) = await ReadAsync(
            "{\"type\":\"post_call_audio\",\"data\":{\"conversation_id\":\"two\",\"full_audio\":\"SUQzBAAAAAAA\"},\"type\":\"post_call_transcription\"}", 7);

        Assert.False(needs[^1]);
        Assert.Null(outcome.Payload);
        Assert.Equal("invalid_payload", outcome.Rejection?.ErrorCode);
    }
}
