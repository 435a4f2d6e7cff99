using System.Security.Cryptography;
using System.Text;
using Postcall.Storage;
using Postcall.Storage.Files;
using Postcall.Storage.S3;
using Postcall.Tests.Support;

namespace Postcall.Tests.Storage;

/// <summary>What every payload store promises, run against the files and against a real S3-compatible server.</summary>
public abstract class PayloadStoreContract : IAsyncLifetime
{
    private IPayloadStore? _store;

    private protected IPayloadStore Store => _store!;

    protected static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private protected abstract Task<IPayloadStore> CreateStoreAsync();

    /// <summary>Whether, of racing commits that create the same payload, exactly one can be told it wrote it.</summary>
    protected virtual bool CreatesAreExclusive => true;

    public async ValueTask InitializeAsync()
    {
        _store = await CreateStoreAsync();
        _store.Initialize();
    }

    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        _store?.Dispose();
        return ValueTask.CompletedTask;
    }

    private protected static ConversationId Id(string value) => ConversationId.TryParse(value, out var id) ? id : throw new ArgumentException(value);

    private protected async Task<StoredPayload> CommitAsync(string cid, PayloadKind kind, byte[] content)
    {
        await using var temp = Store.CreateTemp();
        await temp.WriteAsync(content, Cancel);
        return await Store.CommitAsync(temp, Id(cid), kind, Cancel);
    }

    private protected async Task<byte[]> ReadAsync(string cid, PayloadKind kind)
    {
        await using var content = await Store.OpenAsync(Id(cid), kind, Cancel);
        Assert.NotNull(content);
        using var copy = new MemoryStream();
        await content.Stream.CopyToAsync(copy, Cancel);
        Assert.Equal(content.Length, copy.Length);
        return copy.ToArray();
    }

    [Fact]
    public async Task A_committed_payload_reads_back_byte_for_byte_under_its_documented_name()
    {
        var body = Fixtures.Bytes("post_call_transcription.json");
        var stored = await CommitAsync("conv_1", PayloadKind.Transcription, body);

        Assert.False(stored.Duplicate);
        Assert.Equal(body.Length, stored.Size);
        Assert.EndsWith("conv_1/conv_1_transcription.json", stored.DisplayPath.Replace('\\', '/'), StringComparison.Ordinal);
        Assert.Equal(body, await ReadAsync("conv_1", PayloadKind.Transcription));
        var listed = Assert.Single(await Store.PayloadsAsync(Id("conv_1"), Cancel));
        Assert.Equal((PayloadKind.Transcription, (long)body.Length), (listed.Kind, listed.Length));
    }

    [Fact]
    public async Task An_imported_file_is_stored_as_a_commit_would_and_importing_it_again_is_a_duplicate()
    {
        var body = Fixtures.Bytes("post_call_transcription.json");
        var file = Path.Combine(Path.GetTempPath(), $"postcall-import-{Guid.NewGuid():N}.json");
        await File.WriteAllBytesAsync(file, body, Cancel);
        try
        {
            var first = await Store.ImportAsync(file, Id("imported"), PayloadKind.Transcription, Cancel);
            var again = await Store.ImportAsync(file, Id("imported"), PayloadKind.Transcription, Cancel);

            Assert.False(first.Duplicate);
            Assert.True(again.Duplicate);
            Assert.Equal(body, await ReadAsync("imported", PayloadKind.Transcription));
            Assert.Equal(body, await File.ReadAllBytesAsync(file, Cancel));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task The_same_bytes_again_are_a_duplicate_and_different_bytes_replace_them()
    {
        var first = await CommitAsync("dup", PayloadKind.Failure, Encoding.UTF8.GetBytes("""{"a":1}"""));
        var again = await CommitAsync("dup", PayloadKind.Failure, Encoding.UTF8.GetBytes("""{"a":1}"""));
        Assert.True(again.Duplicate);
        Assert.Equal(first.Payload.Version, again.Payload.Version);

        var changed = await CommitAsync("dup", PayloadKind.Failure, Encoding.UTF8.GetBytes("""{"a":22}"""));
        Assert.False(changed.Duplicate);
        Assert.Equal("""{"a":22}""", Encoding.UTF8.GetString(await ReadAsync("dup", PayloadKind.Failure)));
        Assert.NotEqual(first.Payload.Version, (await Store.PayloadsAsync(Id("dup"), Cancel))[0].Version);
    }

    /// <summary>
    /// ElevenLabs may deliver a call twice at once (a retry while the first attempt is still being answered): one
    /// write, and every answer names the same version, so the call is forwarded once.
    /// </summary>
    [Fact]
    public async Task Racing_commits_of_the_same_bytes_write_once_and_the_rest_are_duplicates_of_the_same_version()
    {
        var body = Fixtures.Bytes("post_call_transcription.json");
        for (var round = 0; round < 25; round++)
        {
            var cid = $"raced_{round}";
            var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => CommitAsync(cid, PayloadKind.Transcription, body))));
            if (CreatesAreExclusive)
            {
                Assert.Single(results, r => !r.Duplicate);
            }
            else
            {
                Assert.Contains(results, r => !r.Duplicate);
            }

            Assert.Single(results.Select(r => r.Payload.Version).Distinct());
            Assert.Equal(body, await ReadAsync(cid, PayloadKind.Transcription));
        }
    }

    [Fact]
    public async Task Large_audio_is_stored_whole_and_reads_from_any_position()
    {
        var audio = RandomNumberGenerator.GetBytes(21 * 1024 * 1024 + 123);
        var stored = await CommitAsync("big", PayloadKind.Audio, audio);
        Assert.Equal(audio.Length, stored.Size);
        Assert.Equal(SHA256.HashData(audio), SHA256.HashData(await ReadAsync("big", PayloadKind.Audio)));

        await using var content = await Store.OpenAsync(Id("big"), PayloadKind.Audio, Cancel);
        var from = 17 * 1024 * 1024 + 5;
        content!.Stream.Seek(from, SeekOrigin.Begin);
        var piece = new byte[4096];
        await content.Stream.ReadExactlyAsync(piece, Cancel);
        Assert.Equal(audio.AsSpan(from, piece.Length).ToArray(), piece);
    }

    [Fact]
    public async Task Deleting_removes_every_payload_of_the_conversation_and_only_those()
    {
        await CommitAsync("gone", PayloadKind.Transcription, [1]);
        await CommitAsync("gone", PayloadKind.Audio, [2]);
        Assert.True(PayloadKind.TryOther("call_summary_ready", out var other));
        await CommitAsync("gone", other, [3]);
        await CommitAsync("gone2", PayloadKind.Audio, [4]);

        Assert.Equal(3, await Store.DeleteConversationAsync(Id("gone"), Cancel));
        Assert.Empty(await Store.PayloadsAsync(Id("gone"), Cancel));
        Assert.Null(await Store.OpenAsync(Id("gone"), PayloadKind.Audio, Cancel));
        Assert.Equal(0, await Store.DeleteConversationAsync(Id("gone"), Cancel));
        Assert.Equal([4], await ReadAsync("gone2", PayloadKind.Audio));
    }

    [Fact]
    public async Task Every_conversation_is_listed_once_with_its_payloads_in_order()
    {
        Assert.True(PayloadKind.TryOther("zeta_event", out var zeta));
        await CommitAsync("a1", zeta, [1]);
        await CommitAsync("a1", PayloadKind.Failure, [1]);
        await CommitAsync("a1", PayloadKind.Transcription, [1]);
        await CommitAsync("b2", PayloadKind.Audio, [1, 2]);
        await Store.ProbeCommitAsync(Cancel);

        var listed = new List<StoredConversation>();
        await foreach (var conversation in Store.ConversationsAsync(Cancel))
        {
            listed.Add(conversation);
        }

        Assert.Equal(["a1", "b2"], listed.Select(c => c.Id.Value).Order(StringComparer.Ordinal));
        Assert.Equal([PayloadKind.Transcription, PayloadKind.Failure, zeta], listed.Single(c => c.Id.Value == "a1").Payloads.Select(p => p.Kind));
    }

    [Fact]
    public async Task What_is_not_stored_is_absent_not_an_error()
    {
        Assert.Null(await Store.OpenAsync(Id("never"), PayloadKind.Transcription, Cancel));
        Assert.Empty(await Store.PayloadsAsync(Id("never"), Cancel));
    }
}

public sealed class FilePayloadStoreContract : PayloadStoreContract
{
    private readonly string _root = Directory.CreateTempSubdirectory("postcall-contract-").FullName;

    private protected override Task<IPayloadStore> CreateStoreAsync() => Task.FromResult<IPayloadStore>(new FilePayloadStore(_root));

    /// <summary>
    /// A file's write time is its version. On a kernel that stamps files every few milliseconds, a replacement can be
    /// written within the tick of the copy it replaces, and one placed late was written before it: new bytes must still
    /// get a new, later version, or they would never be forwarded. A recording takes the path that flushes on its own.
    /// </summary>
    [Theory]
    [InlineData(16, 0)]
    [InlineData(16, -50_000)]
    [InlineData(2 * 1024 * 1024, 0)]
    public async Task A_replacement_written_no_later_than_the_copy_it_replaces_still_gets_a_later_version(int size, int ticksLater)
    {
        var first = await CommitAsync("tick", PayloadKind.Audio, RandomNumberGenerator.GetBytes(size));
        var replacement = RandomNumberGenerator.GetBytes(size);
        await using var temp = Store.CreateTemp();
        await temp.WriteAsync(replacement, Cancel);
        File.SetLastWriteTimeUtc(temp.Path, first.Payload.LastModified.UtcDateTime.AddTicks(ticksLater));

        var second = await Store.CommitAsync(temp, Id("tick"), PayloadKind.Audio, Cancel);

        Assert.False(second.Duplicate);
        Assert.True(second.Payload.LastModified > first.Payload.LastModified);
        Assert.NotEqual(first.Payload.Version, second.Payload.Version);
        Assert.Equal(second.Payload.Version, Assert.Single(await Store.PayloadsAsync(Id("tick"), Cancel)).Version);
        Assert.Equal(replacement, await ReadAsync("tick", PayloadKind.Audio));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }
}

[Trait("Needs", "engines")]
public sealed class S3PayloadStoreContract(SharedEngines engines) : PayloadStoreContract
{
    private readonly string _local = Directory.CreateTempSubdirectory("postcall-contract-s3-").FullName;
    private string _bucket = string.Empty;

    /// <summary>
    /// S3 makes a conditional PUT's check and write one step. moto checks If-None-Match, then writes, on concurrent
    /// threads, so now and then two racing creates both succeed there (once in about a dozen full test runs). What
    /// callers rely on holds either way and is still asserted: every copy names the same version, so the call is
    /// forwarded once.
    /// </summary>
    protected override bool CreatesAreExclusive => false;

    private protected override async Task<IPayloadStore> CreateStoreAsync()
    {
        _bucket = await engines.CreateBucketAsync();
        return new S3PayloadStore(engines.S3Client(), new S3Location(_bucket, "tenant/calls"), _local);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_local, recursive: true);
    }

    [Fact]
    public async Task Objects_are_keyed_like_the_files_and_large_ones_go_up_in_equal_parts()
    {
        await CommitAsync("k1", PayloadKind.Transcription, [1]);
        await CommitAsync("k1", PayloadKind.Audio, new byte[(int)(2.5 * S3PayloadStore.PartSize)]);

        using var client = engines.S3Client();
        var keys = (await client.ListObjectsV2Async(new Amazon.S3.Model.ListObjectsV2Request { BucketName = _bucket }, Cancel)).S3Objects;
        Assert.Equal(["tenant/calls/k1/k1_audio.mp3", "tenant/calls/k1/k1_transcription.json"], keys.Select(k => k.Key).Order(StringComparer.Ordinal));
        // A multipart upload's ETag names its part count: 8 MiB, 8 MiB, 4 MiB.
        Assert.EndsWith("-3\"", keys.Single(k => k.Key.EndsWith(".mp3", StringComparison.Ordinal)).ETag, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_instance_on_the_same_host_takes_its_own_local_state()
    {
        await using var inFlight = Store.CreateTemp();
        using var second = new S3PayloadStore(engines.S3Client(), new S3Location(_bucket, "tenant/calls"), _local);
        Assert.Equal(0, second.Initialize());
        Assert.NotEqual(Store.LocalState.Folder, second.LocalState.Folder);
        // Its start-up sweep left the first one's body in flight alone.
        Assert.True(File.Exists(inFlight.Path));
    }
}
