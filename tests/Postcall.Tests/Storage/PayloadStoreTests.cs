using Postcall.Storage.Files;
using System.Text;
using Postcall.Storage;

namespace Postcall.Tests.Storage;

public sealed class PayloadStoreTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("postcall-store-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static ConversationId Id(string value) => ConversationId.TryParse(value, out var id) ? id : throw new ArgumentException(value);

    /// <summary>The file a commit wrote: the display path, taken from the working directory as the service would.</summary>
    private string StoredPath(StoredPayload stored) => Path.GetFullPath(stored.DisplayPath, _root);

    private static async Task<StoredPayload> StoreAsync(FilePayloadStore store, string cid, PayloadKind kind, string content)
    {
        await using var temp = store.CreateTemp();
        await temp.WriteAsync(Encoding.UTF8.GetBytes(content), TestContext.Current.CancellationToken);
        return await store.CommitAsync(temp, Id(cid), kind, TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Payloads_land_at_the_documented_names()
    {
        var store = new FilePayloadStore(_root);
        store.Initialize();
        foreach (var kind in PayloadKind.Known)
        {
            var stored = await StoreAsync(store, "conv_1", kind, kind.ToString());
            Assert.Equal(Path.Combine(_root, "conv_1", kind.FileName(Id("conv_1"))), StoredPath(stored));
        }

        Assert.Equal(
            ["conv_1_audio.mp3", "conv_1_failure.json", "conv_1_transcription.json"],
            Directory.GetFiles(Path.Combine(_root, "conv_1")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Display_paths_follow_the_configured_root_like_the_old_service()
    {
        var store = new FilePayloadStore("./payloads", baseDirectory: _root);
        store.Initialize();
        var stored = await StoreAsync(store, "abc", PayloadKind.Transcription, "{}");
        Assert.Equal(Path.Combine("payloads", "abc", "abc_transcription.json"), stored.DisplayPath);
        Assert.Equal(Path.Combine(_root, "payloads", "abc", "abc_transcription.json"), StoredPath(stored));
    }

    [Fact]
    public async Task An_uncommitted_temp_is_deleted_on_dispose()
    {
        var store = new FilePayloadStore(_root);
        store.Initialize();
        string path;
        await using (var temp = store.CreateTemp())
        {
            await temp.WriteAsync(new byte[10], TestContext.Current.CancellationToken);
            path = temp.Path;
            Assert.True(File.Exists(path));
        }

        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task The_temp_folder_is_recreated_if_removed_while_running()
    {
        var store = new FilePayloadStore(_root);
        store.Initialize();
        Directory.Delete(Path.Combine(_root, ".postcall"), recursive: true);
        var stored = await StoreAsync(store, "back", PayloadKind.Failure, "{}");
        Assert.True(File.Exists(StoredPath(stored)));
    }

    [Theory]
    [InlineData("a", true)]
    [InlineData("conv_01HX-abc", true)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData(".", false)]
    [InlineData("..", false)]
    [InlineData("a.b", false)]
    [InlineData("a/b", false)]
    [InlineData("a\\b", false)]
    [InlineData("_a", false)]
    [InlineData("-a", false)]
    [InlineData("a b", false)]
    [InlineData("é", false)]
    public void Conversation_ids_are_strictly_validated(string? value, bool valid) =>
        Assert.Equal(valid, ConversationId.TryParse(value, out _));

    [Fact]
    public void Every_valid_id_resolves_directly_under_the_root()
    {
        var store = new FilePayloadStore(_root);
        var random = new Random(11);
        const string alphabet = "abcXYZ019_-./\\ \0é";
        for (var i = 0; i < 5000; i++)
        {
            var candidate = new string([.. Enumerable.Range(0, random.Next(1, 140)).Select(_ => alphabet[random.Next(alphabet.Length)])]);
            if (ConversationId.TryParse(candidate, out var id))
            {
                var directory = store.DirectoryFor(id);
                Assert.Equal(_root, Path.GetDirectoryName(directory));
                Assert.StartsWith(_root + Path.DirectorySeparatorChar, Path.GetFullPath(store.PathFor(id, PayloadKind.Audio)), StringComparison.Ordinal);
            }
        }
    }
}
