using Postcall.Storage.Files;
using System.Diagnostics;

namespace Postcall.Bench;

/// <summary>
/// The disk's own limit for one delivery's durable steps, with no HTTP and no parsing: new folder, write ~3 KB to a
/// temp file, fsync it, rename it into the folder, fsync the folder and the root. Writers run on threads because
/// fsync blocks; the figure is what the disk allows, which the service can at best approach.
/// </summary>
internal static class DiskProbe
{
    public static int Run(string directory, int writers, double seconds)
    {
        var root = Path.Combine(directory, "probe-root");
        var temp = Path.Combine(root, ".tmp");
        Directory.CreateDirectory(temp);
        var payload = new byte[3 * 1024];
        Random.Shared.NextBytes(payload);
        var deadline = Stopwatch.GetTimestamp() + (long)(seconds * Stopwatch.Frequency);
        var counts = new long[writers];
        var started = Stopwatch.GetTimestamp();
        var threads = Enumerable.Range(0, writers).Select(w => new Thread(() =>
        {
            for (var i = 0; Stopwatch.GetTimestamp() < deadline; i++)
            {
                var folder = Path.Combine(root, $"c{w}-{i}");
                var tempFile = Path.Combine(temp, $"{w}-{i}.tmp");
                using (var file = new FileStream(tempFile, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1))
                {
                    file.Write(payload);
                    RandomAccess.FlushToDisk(file.SafeFileHandle);
                }

                Directory.CreateDirectory(folder);
                File.Move(tempFile, Path.Combine(folder, "payload.json"));
                DirectorySync.Flush(folder);
                DirectorySync.Flush(root);
                counts[w]++;
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        Console.WriteLine(FormattableString.Invariant($"disk_writes_per_second={counts.Sum() / elapsed:0}"));
        // Left for bench/run's clean-up at the end. Deleted here, its tens of thousands of inodes would slow the next
        // phase's file creation: without a journal (as on this benchmark's VM) ext4 avoids reusing an inode freed in
        // the last few minutes, and checks each candidate when it picks a new one.
        return 0;
    }
}
