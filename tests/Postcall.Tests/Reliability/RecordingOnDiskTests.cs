using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Postcall.Tests.Support;

namespace Postcall.Tests.Reliability;

/// <summary>
/// How a recording reaches the disk, on the real service's system calls (strace, with each descriptor's path): it is
/// decoded into its temp file as the body arrives, with the base64 body itself never spooled; that file is flushed in
/// the background while it is still being written, so the fsync before its 200 finds little left to do; and that
/// fsync still comes before the rename. The stored recording is byte for byte the one sent.
/// </summary>
[Trait("Needs", "strace")]
public sealed partial class RecordingOnDiskTests
{
    [Fact]
    public async Task A_recording_is_decoded_as_it_arrives_flushed_as_it_grows_and_flushed_again_before_its_rename()
    {
        var recording = new byte[20 * 1024 * 1024];
        new Random(11).NextBytes(recording);
        using var service = await StracedService.StartAsync("-f", "-ttt", "-y", "-e", "trace=write,pwrite64,fsync,fdatasync,rename,renameat,renameat2");
        using (var response = await service.Client.SendAsync(Deliveries.SignedRequest(Encoding.UTF8.GetBytes(Deliveries.Audio("flushed-call", recording))),
            TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        service.Stop();
        Assert.Equal(recording, await File.ReadAllBytesAsync(Path.Combine(service.Root, "flushed-call", "flushed-call_audio.mp3"), TestContext.Current.CancellationToken));

        var calls = StraceCall.Read(await File.ReadAllLinesAsync(service.TracePath, TestContext.Current.CancellationToken)).ToList();
        var rename = Matches(calls, RenameCall()).Single(m => m.Match.Groups["target"].Value.EndsWith("/flushed-call_audio.mp3", StringComparison.Ordinal));
        var temp = rename.Match.Groups["source"].Value;
        var writes = Matches(calls, WriteCall()).ToList();
        var flushes = Matches(calls, FlushCall()).Where(m => m.Match.Groups["path"].Value == temp).ToList();

        Assert.Equal(recording.Length, writes.Where(w => w.Match.Groups["path"].Value == temp).Sum(w => long.Parse(w.Match.Groups["count"].Value, CultureInfo.InvariantCulture)));
        Assert.True(flushes.Count >= 2, $"{flushes.Count} flushes of the recording's temp file; 20 MB should start one before the last");
        Assert.True(flushes.All(f => f.Start < rename.Start), "the recording's temp file was flushed after its rename");
        Assert.Contains(writes, w => w.Match.Groups["path"].Value == temp && w.Start > flushes[0].Start);

        // The base64 body (27 MB here) went into the decoder and the HMAC, not into a spool file.
        var tempFolder = Path.Combine(service.Root, ".postcall", "tmp") + "/";
        var spooled = writes.Where(w => w.Match.Groups["path"].Value is var path && path.StartsWith(tempFolder, StringComparison.Ordinal) && path != temp)
            .Sum(w => long.Parse(w.Match.Groups["count"].Value, CultureInfo.InvariantCulture));
        Assert.True(spooled < 1024 * 1024, $"{spooled} bytes spooled besides the recording");
    }

    /// <summary>The calls <paramref name="format"/> matches, with when each began.</summary>
    private static IEnumerable<(double Start, Match Match)> Matches(IEnumerable<StraceCall> calls, Regex format) =>
        calls.Select(c => (c.Start, Match: format.Match(c.Text))).Where(m => m.Match.Success);

    [GeneratedRegex("""^(?:write|pwrite64)\(\d+<(?<path>[^>]+)>, .* = (?<count>\d+)$""")]
    private static partial Regex WriteCall();

    [GeneratedRegex("""^f(?:data)?sync\(\d+<(?<path>[^>]+)>\) = 0""")]
    private static partial Regex FlushCall();

    [GeneratedRegex("""^rename(?:at2?)?\((?:AT_FDCWD, )?"(?<source>[^"]+)", (?:AT_FDCWD, )?"(?<target>[^"]+)".*= 0""")]
    private static partial Regex RenameCall();
}
