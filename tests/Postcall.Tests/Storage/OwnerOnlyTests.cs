using System.Net;
using Postcall.Tests.Support;

namespace Postcall.Tests.Storage;

/// <summary>
/// Calls and the service's secrets are for its own user alone: under a umask that leaves everything open (000), the
/// real service creates its state folder, the outbox (destination secrets, the media-link key), the index and every
/// payload owner-only, and tightens what an earlier version left open, without touching the root an operator chose.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class OwnerOnlyTests : IDisposable
{
    private const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private readonly string _workDir = Directory.CreateTempSubdirectory("postcall-owner-").FullName;

    public void Dispose() => Directory.Delete(_workDir, recursive: true);

    [Fact]
    public async Task Under_an_open_umask_state_and_payloads_are_owner_only_and_what_an_earlier_version_left_open_is_tightened()
    {
        var ct = TestContext.Current.CancellationToken;
        var root = Path.Combine(_workDir, "payloads");
        // As an earlier version left a root under umask 022: its state and a call readable by everyone.
        Directory.CreateDirectory(Path.Combine(root, ".postcall"));
        Directory.CreateDirectory(Path.Combine(root, "earlier"));
        await File.WriteAllTextAsync(Path.Combine(root, "earlier", "earlier_transcription.json"), Deliveries.Transcription("earlier"), ct);
        foreach (var entry in new[] { root, Path.Combine(root, ".postcall"), Path.Combine(root, "earlier"), Path.Combine(root, "earlier", "earlier_transcription.json") })
        {
            File.SetUnixFileMode(entry, File.GetUnixFileMode(entry) | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        var rootMode = File.GetUnixFileMode(root);
        using var service = new ServiceProcess(["bash", "-c", "umask 000 && exec \"$0\" \"$@\""], _workDir, new()
        {
            ["ELEVENLABS_POST_CALL_HMAC_KEY"] = Fixtures.Secret,
            ["ELEVENLABS_POST_CALL_PAYLOAD_PATH"] = root,
            ["POSTCALL_API_KEY"] = "owner-only-test-key-1234",
            ["POSTCALL_FORWARD_URLS"] = "http://127.0.0.1:9/never",
            ["LOG_LEVEL"] = "WARNING",
        }, "--urls", ServiceProcess.AnyPort);
        using var client = await service.ClientAsync();
        using (var stored = await client.SendAsync(Deliveries.SignedRequest(Deliveries.Transcription("fresh")), ct))
        {
            Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
        }

        using (var audio = await client.SendAsync(Deliveries.SignedRequest(Deliveries.Audio("fresh", [1, 2, 3, 4])), ct))
        {
            Assert.Equal(HttpStatusCode.OK, audio.StatusCode);
        }

        // The index and the outbox (with its secrets) exist once a list has been answered and a forward recorded.
        using (var list = new HttpRequestMessage(HttpMethod.Get, "/api/conversations"))
        {
            list.Headers.Authorization = new("Bearer", "owner-only-test-key-1234");
            using var listed = await client.SendAsync(list, ct);
            Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        }

        var state = Path.Combine(root, ".postcall");
        Assert.True(File.Exists(Path.Combine(state, "outbox.db")));
        Assert.True(File.Exists(Path.Combine(state, "index.db")));
        var open = Directory.EnumerateFileSystemEntries(state, "*", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFileSystemEntries(Path.Combine(root, "fresh"), "*", SearchOption.AllDirectories))
            .Concat(Directory.EnumerateFileSystemEntries(Path.Combine(root, "earlier"), "*", SearchOption.AllDirectories))
            .Append(state).Append(Path.Combine(root, "fresh")).Append(Path.Combine(root, "earlier"))
            .Where(e => (File.GetUnixFileMode(e) & GroupOrOther) != 0)
            .Select(e => $"{Path.GetRelativePath(root, e)} {File.GetUnixFileMode(e)}")
            .ToList();
        Assert.Empty(open);
        Assert.Contains(Directory.EnumerateFiles(state), f => f.EndsWith("-wal", StringComparison.Ordinal));
        // The root is the operator's: its mode is theirs to set.
        Assert.Equal(rootMode, File.GetUnixFileMode(root));
    }
}
