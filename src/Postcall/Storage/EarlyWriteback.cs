using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Postcall.Storage;

/// <summary>
/// Asks the kernel to start writing a range of a file to disk now, without waiting for it (Linux
/// <c>sync_file_range(SYNC_FILE_RANGE_WRITE)</c>): a file that will be flushed when complete is then mostly on disk
/// by the time its <c>fsync</c> comes, so that wait overlaps the work of writing it. Only a hint: it makes nothing
/// durable, and a failure is left for the <c>fsync</c> to report. Elsewhere it does nothing.
/// </summary>
internal static partial class EarlyWriteback
{
    private const uint SyncFileRangeWrite = 2;

    public static void Start(SafeFileHandle file, long offset, long length)
    {
        if (OperatingSystem.IsLinux())
        {
            _ = SyncFileRange(file, offset, length, SyncFileRangeWrite);
        }
    }

    [LibraryImport("libc", EntryPoint = "sync_file_range", SetLastError = true)]
    private static partial int SyncFileRange(SafeFileHandle fd, long offset, long nbytes, uint flags);
}
