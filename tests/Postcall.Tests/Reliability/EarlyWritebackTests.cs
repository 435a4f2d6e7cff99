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

        var lines = Joined(await File.ReadAllLinesAsync(service.TracePath, TestContext.Current.CancellationToken));
        var rename = lines.Select(l => RenameLine().Match(l)).Single(m => m.Success && m.Groups["target"].Value.EndsWith("/writeback-call_audio.mp3", StringComparison.Ordinal));
        var temp = rename.Groups["source"].Value;
        var renamedAt = Time(rename);
        var ranges = lines.Select(l => WritebackLine().Match(l)).Where(m => m.Success && m.Groups["path"].Value == temp).ToList();
        var fsync = lines.Select(l => FsyncLine().Match(l)).Where(m => m.Success && m.Groups["path"].Value == temp).ToList();

        Assert.True(ranges.Count >= 2, $"{ranges.Count} sync_file_range calls on the recording's temp file; 20 MB should start at least 2");
        long next = 0;
        foreach (var range in ranges)
        {
            Assert.Equal(next, long.Parse(range.Groups["offset"].Value, CultureInfo.InvariantCulture));
            next += long.Parse(range.Groups["length"].Value, CultureInfo.InvariantCulture);
        }

        var flushed = Assert.Single(fsync);
        Assert.True(ranges.All(r => Time(r) < Time(flushed)), "a range was handed to the disk after the recording's fsync");
        Assert.True(Time(flushed) < renamedAt, "the recording was renamed before its fsync");
    }

    /// <summary>A call that strace split in two (another thread's call came between) put back on one line, at its start.</summary>
    private static List<string> Joined(string[] lines)
    {
        var started = new Dictionary<string, string>(StringComparer.Ordinal);
        var joined = new List<string>(lines.Length);
        foreach (var line in lines)
        {
            var pid = line.Split(' ', 2)[0];
            if (line.EndsWith(" <unfinished ...>", StringComparison.Ordinal))
            {
                started[pid] = line[..^" <unfinished ...>".Length];
            }
            else if (ResumedLine().Match(line) is { Success: true } resumed && started.Remove(pid, out var start))
            {
                joined.Add(start + resumed.Groups["rest"].Value);
            }
            else
            {
                joined.Add(line);
            }
        }

        return joined;
    }

    private static double Time(Match line) => double.Parse(line.Groups["time"].Value, CultureInfo.InvariantCulture);

    [GeneratedRegex("""^\d+\s+[\d.]+\s+<\.\.\. \w+ resumed>(?<rest>.*)$""")]
    private static partial Regex ResumedLine();

    [GeneratedRegex("""^\d+\s+(?<time>[\d.]+)\s+sync_file_range\(\d+<(?<path>[^>]+)>, (?<offset>\d+), (?<length>\d+), SYNC_FILE_RANGE_WRITE\) = 0""")]
    private static partial Regex WritebackLine();

    [GeneratedRegex("""^\d+\s+(?<time>[\d.]+)\s+fsync\(\d+<(?<path>[^>]+)>\) = 0""")]
    private static partial Regex FsyncLine();

    [GeneratedRegex("""^\d+\s+(?<time>[\d.]+)\s+rename(?:at2?)?\((?:AT_FDCWD, )?"(?<source>[^"]+)", (?:AT_FDCWD, )?"(?<target>[^"]+)".*= 0""")]
    private static partial Regex RenameLine();
}
