using System.Diagnostics;
using System.Net;
using System.Text;
using Postcall.Tests.Support;

namespace Postcall.Tests.Reliability;

/// <summary>
/// The payload root on a 3 MB tmpfs (mounted here; CI runs as root): a full disk answers 503, leaves no partial or
/// temp file, keeps what was stored, and deliveries succeed again once space is freed, without a restart.
/// </summary>
public sealed class DiskFullTests : IAsyncLifetime
{
    private readonly string _mount = Directory.CreateTempSubdirectory("postcall-tmpfs-").FullName;
    private PostcallFactory? _factory;

    public async ValueTask InitializeAsync()
    {
        var (code, error) = await RunAsync("mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", _mount);
        Assert.True(code == 0, $"mounting a tmpfs needs root (CI runs as root): {error}");
        // No free-space floor: this is about the disk itself refusing a write, not about refusing before it does.
        _factory = new PostcallFactory(new() { ["ELEVENLABS_POST_CALL_PAYLOAD_PATH"] = _mount, ["POSTCALL_MIN_FREE_BYTES"] = "1" });
    }

    public async ValueTask DisposeAsync()
    {
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        // A descriptor the service closed as it stopped can keep the mount busy a moment longer: try for a while.
        for (var attempt = 0; attempt < 50 && (await RunAsync("umount", _mount)).Code != 0; attempt++)
        {
            await Task.Delay(100);
        }

        Directory.Delete(_mount, recursive: true);
    }

    [Fact]
    public async Task A_full_disk_answers_503_cleanly_and_recovers_when_space_is_freed()
    {
        var client = _factory!.CreateClient();
        var ct = TestContext.Current.CancellationToken;
        var early = Encoding.UTF8.GetBytes(Deliveries.Transcription("before-full"));
        Assert.Equal(HttpStatusCode.OK, (await Envelope.SendAsync(client, Deliveries.SignedRequest(early))).Status);

        // Fill what is left, leaving a little less than one delivery needs.
        var filler = Path.Combine(_mount, ".postcall", "filler");
        await FillAsync(filler, leave: 60 * 1024);

        var audio = new byte[200 * 1024];
        new Random(4).NextBytes(audio);
        var full = await Envelope.SendAsync(client, Deliveries.SignedRequest(Deliveries.Audio("during-full", audio)));
        Assert.Equal("storage_unavailable", full.AssertError(HttpStatusCode.ServiceUnavailable));
        var small = await Envelope.SendAsync(client, Deliveries.SignedRequest(Deliveries.Transcription("during-full-2").Replace("Hello", new string('y', 80_000), StringComparison.Ordinal)));
        Assert.Equal("storage_unavailable", small.AssertError(HttpStatusCode.ServiceUnavailable));

        PayloadRootAssertions.NoTempLeft(_mount);
        Assert.False(Directory.Exists(Path.Combine(_mount, "during-full")) && Directory.EnumerateFileSystemEntries(Path.Combine(_mount, "during-full")).Any());
        Assert.Equal(early, await File.ReadAllBytesAsync(Path.Combine(_mount, "before-full", "before-full_transcription.json"), ct));

        File.Delete(filler);
        var after = await Envelope.SendAsync(client, Deliveries.SignedRequest(Deliveries.Audio("during-full", audio)));
        Assert.Equal(HttpStatusCode.OK, after.Status);
        Assert.Equal(audio, await File.ReadAllBytesAsync(Path.Combine(_mount, "during-full", "during-full_audio.mp3"), ct));
        PayloadRootAssertions.OnlyPayloadFiles(_mount);
    }

    /// <summary>
    /// Fills the disk until at most <paramref name="leave"/> bytes are free. The index takes the first delivery in the
    /// background, on the same disk, and may take some of the space meanwhile: the disk filling up before the filler
    /// has written all it meant to is then the same end, reached sooner.
    /// </summary>
    private async Task FillAsync(string path, long leave)
    {
        var free = new DriveInfo(_mount).AvailableFreeSpace;
        await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);
        var chunk = new byte[4096];
        try
        {
            for (var written = 0L; written < free - leave; written += chunk.Length)
            {
                await file.WriteAsync(chunk, TestContext.Current.CancellationToken);
            }
        }
        catch (IOException) when (new DriveInfo(_mount).AvailableFreeSpace < leave)
        {
        }
    }

    private static async Task<(int Code, string Error)> RunAsync(string command, params string[] args)
    {
        var info = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, error);
    }
}
