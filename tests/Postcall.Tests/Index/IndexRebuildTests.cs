using Postcall.Index;
using Postcall.Sqlite;
using Postcall.Storage;
using Postcall.Storage.Files;
using Postcall.Tests.Support;

namespace Postcall.Tests.Index;

/// <summary>The files are the source of truth: whatever the index holds, a rebuild makes it match them.</summary>
public sealed class IndexRebuildTests : IDisposable
{
    private readonly FilePayloadStore _store = new(Directory.CreateTempSubdirectory("postcall-rebuild-").FullName);
    private readonly SqliteIndexFile _index;

    public IndexRebuildTests()
    {
        _store.Initialize();
        _index = new SqliteIndexFile(Path.Combine(_store.StateDirectory, SqliteIndexFile.FileName));
        _index.Open();
    }

    public void Dispose()
    {
        _index.Close();
        Directory.Delete(_store.Root, recursive: true);
    }

    private Task<RebuildReport> RebuildAsync(bool everything) =>
        IndexRebuild.RunAsync(_index.RebuildFrom(_store), _store, everything, TestContext.Current.CancellationToken);

    private void Write(string id, PayloadKind kind, byte[] content)
    {
        Assert.True(ConversationId.TryParse(id, out var conversation));
        Directory.CreateDirectory(_store.DirectoryFor(conversation));
        File.WriteAllBytes(_store.PathFor(conversation, kind), content);
    }

    [Fact]
    public async Task Builds_from_files_ignores_what_is_not_a_conversation_and_drops_what_is_gone()
    {
        Write("call1", PayloadKind.Transcription, Fixtures.Bytes("post_call_transcription.json"));
        Write("call1", PayloadKind.Audio, Fixtures.Bytes("sample_call.mp3"));
        Write("call2", PayloadKind.Failure, Fixtures.Bytes("call_initiation_failure_twilio.json"));
        Directory.CreateDirectory(Path.Combine(_store.Root, "not a conversation!"));
        _index.Refresh(["ghost"], id => new ConversationFacts { ConversationId = id, ReceivedAt = DateTimeOffset.UnixEpoch, FileStamp = "x" });

        var report = await RebuildAsync(everything: false);

        Assert.Equal((2, 2, 1), (report.Conversations, report.Refreshed, report.Removed));
        var call = _index.Find("call1")!;
        Assert.Equal(("xyz", "success", 1739537297L, 14986L), (call.AgentId, call.CallSuccessful, call.StartedAt, call.AudioBytes!.Value));
        var failed = _index.Find("call2")!;
        Assert.Equal((ConversationFacts.InitiationFailedStatus, "busy", 1759931652L), (failed.Status, failed.FailureReason, failed.StartedAt));
        Assert.Null(_index.Find("ghost"));
    }

    [Fact]
    public async Task Catching_up_rereads_only_changed_conversations()
    {
        Write("same", PayloadKind.Transcription, Fixtures.Bytes("post_call_transcription.json"));
        Write("changes", PayloadKind.Failure, Fixtures.Bytes("call_initiation_failure_sip.json"));
        await RebuildAsync(everything: false);

        Write("changes", PayloadKind.Audio, Fixtures.Bytes("sample_call.mp3"));
        var report = await RebuildAsync(everything: false);

        Assert.Equal(1, report.Refreshed);
        Assert.Equal(14986, _index.Find("changes")!.AudioBytes);
        Assert.Equal(2, (await RebuildAsync(everything: true)).Refreshed);
    }

    [Fact]
    public async Task What_the_delivery_path_indexes_equals_what_a_rebuild_indexes()
    {
        Write("c", PayloadKind.Transcription, Fixtures.Bytes("post_call_transcription.json"));
        Assert.True(ConversationId.TryParse("c", out var id));
        var direct = (await ConversationReader.ReadAsync(_store, id, TestContext.Current.CancellationToken))!;
        await RebuildAsync(everything: true);
        Assert.Equal(direct with { TranscriptText = string.Empty }, _index.Find("c"));
    }
}
