using System.Collections.Concurrent;
using Microsoft.Win32.SafeHandles;

namespace Postcall.Storage;

/// <summary>
/// Flushes large files while they are still being written, so the flush that must come before their commit finds
/// little left to do. On a virtual disk the expensive part of an <c>fsync</c> is the cache flush it sends down,
/// which writes out everything the file system has handed the device; starting writeback alone
/// (<c>sync_file_range</c>) leaves all of that for the last flush. Only a head start: it makes nothing durable that
/// the commit does not flush again, and a failure is left for that flush to report.
/// <para>
/// One thread of its own does every early flush, one file at a time: the flushes block, the disk serves them one by
/// one anyway, and a queue of them cannot hold up the thread pool that serves requests.
/// </para>
/// </summary>
internal static class EarlyFlush
{
    private static readonly BlockingCollection<Request> Queue = [];
    private static readonly Lazy<Thread> Worker = new(() =>
    {
        var thread = new Thread(Run) { IsBackground = true, Name = "postcall-early-flush" };
        thread.Start();
        return thread;
    });

    /// <summary>Queues a flush of <paramref name="file"/>; <paramref name="done"/> is called when it has run or failed.</summary>
    public static void Start(SafeFileHandle file, Action done)
    {
        _ = Worker.Value;
        Queue.Add(new Request(file, done));
    }

    private static void Run()
    {
        foreach (var (file, done) in Queue.GetConsumingEnumerable())
        {
            try
            {
                // Closed meanwhile (committed or dropped): nothing left to start.
                if (!file.IsClosed)
                {
                    RandomAccess.FlushToDisk(file);
                }
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or UnauthorizedAccessException)
            {
                // The commit's own flush reports what is wrong with the disk.
            }
            finally
            {
                done();
            }
        }
    }

    private readonly record struct Request(SafeFileHandle File, Action Done);
}
