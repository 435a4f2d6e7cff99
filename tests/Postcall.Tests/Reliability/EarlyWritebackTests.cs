using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Postcall.Tests.Support;

namespace Postcall.Tests.Reliability;

/// <summary>
/// A recording is handed to the disk while it is still being written, so the fsync before its 200 finds little left
/// to write: on the real service's system calls (strace, with each descriptor's path), the temp file that becomes the
/// recording gets <c>sync_file_range(SYNC_FILE_RANGE_WRITE)</c> calls over consecutive ranges from its start, all
/// before its fsync, and the fsync still comes before the rename. The stored recording is byte for byte the one sent.
/// </summary>
public sealed partial class EarlyWritebackTests
{
    [Fact]
    public async Task A_recording_is_written_to_disk_as_it_grows_and_flushed_before_its_rename()
    {
        var recording = new byte[20 * 1024 * 1024];
        new Random(11).NextBytes(recording);
        using var service = await StracedService.StartAsync("-f", "-ttt", "-y", "-e", "trace=sync_file_range,fsync,rename,renameat,renameat2");
        using (var response = await service.Client.SendAsync(Deliveries.SignedRequest(Encoding.UTF8.GetBytes(Deliveries.Audio("writeback-call", recording))),
            TestContext.Current.CancellationToken))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        service.Stop();
        Assert.Equal(recording, await File.ReadAllBytesAsync(Path.Combine(service.Root, "writeback-call", "writeback-call_audio.mp3"), TestContext.Current.CancellationToken));

        var calls = StraceCall.Read(await File.ReadAllLinesAsync(service.TracePath, TestContext.Current.CancellationToken)).ToList();
        var rename = Matches(calls, RenameCall()).Single(m => m.Match.Groups["target"].Value.EndsWith("/writeback-call_audio.mp3", StringComparison.Ordinal));
        var temp = rename.Match.Groups["source"].Value;
        var ranges = Matches(calls, WritebackCall()).Where(m => m.Match.Groups["path"].Value == temp).ToList();
        var fsync = Matches(calls, FsyncCall()).Where(m => m.Match.Groups["path"].Value == temp).ToList();

        Assert.True(ranges.Count >= 2, $"{ranges.Count} sync_file_range calls on the recording's temp file; 20 MB should start at least 2");
        long next = 0;
        foreach (var range in ranges)
        {
            Assert.Equal(next, long.Parse(range.Match.Groups["offset"].Value, CultureInfo.InvariantCulture));
            next += long.Parse(range.Match.Groups["length"].Value, CultureInfo.InvariantCulture);
        }

        var flushed = Assert.Single(fsync);
        Assert.True(ranges.All(r => r.Start < flushed.Start), "a range was handed to the disk after the recording's fsync");
        Assert.True(flushed.Start < rename.Start, "the recording was renamed before its fsync");
    }

    /// <summary>The calls <paramref name="format"/> matches, with when each began.</summary>
    private static IEnumerable<(double Start, Match Match)> Matches(IEnumerable<StraceCall> calls, Regex format) =>
        calls.Select(c => (c.Start, Match: format.Match(c.Text))).Where(m => m.Match.Success);

    [GeneratedRegex("""^sync_file_range\(\d+<(?<path>[^>]+)>, (?<offset>\d+), (?<length>\d+), SYNC_FILE_RANGE_WRITE\) = 0""")]
    private static partial Regex WritebackCall();

    [GeneratedRegex("""^fsync\(\d+<(?<path>[^>]+)>\) = 0""")]
    private static partial Regex FsyncCall();

    [GeneratedRegex("""^rename(?:at2?)?\((?:AT_FDCWD, )?"(?<source>[^"]+)", (?:AT_FDCWD, )?"(?<target>[^"]+)".*= 0""")]
    private static partial Regex RenameCall();
}
