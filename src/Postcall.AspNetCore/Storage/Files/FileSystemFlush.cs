using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Postcall.Storage.Files;

/// <summary>
/// The payload files' group commit: one <c>syncfs</c> of the file system that holds the root makes every file written,
/// folder made and rename done before it began durable, data and names alike. Deliveries share it: however many
/// wait, each flush is one call, run on <see cref="DurableIo"/>'s threads since it blocks. Where <c>syncfs</c> does
/// not exist (not Linux), the flush is <c>sync</c>.
/// </summary>
internal sealed partial class FileSystemFlush : GroupCommit<bool>
{
    private const int ReadOnly = 0;
    private const int Directory = 0x10000; // O_DIRECTORY

    private readonly SafeFileHandle _root;

    /// <param name="root">Any folder on the file system to flush; held open for the store's life.</param>
    public FileSystemFlush(string root)
        : base(maxBatch: 4096)
    {
        _root = OperatingSystem.IsLinux() ? OpenFolder(root) : new SafeFileHandle();
    }

    protected override Task<bool> BeginAsync() => Task.FromResult(true);

    protected override Task FlushAsync(bool batch) => DurableIo.Shared.RunAsync(() =>
    {
        if (!OperatingSystem.IsLinux())
        {
            Sync();
            return true;
        }

        if (SyncFs(_root) != 0)
        {
            throw new IOException($"syncfs failed (errno {Marshal.GetLastPInvokeError()}).");
        }

        return true;
    });

    protected override Exception Failure(Exception exception) =>
        exception as StorageException ?? new StorageException("The payload files could not be flushed to disk.", exception);

    protected override Exception Closed() => new StorageException("The payload store is closed.", new ObjectDisposedException(nameof(FileSystemFlush)));

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _root.Dispose();
    }

    private static SafeFileHandle OpenFolder(string path)
    {
        var fd = Open(path, ReadOnly | Directory);
        if (fd < 0)
        {
            throw new IOException($"Cannot open {path} to flush its file system (errno {Marshal.GetLastPInvokeError()}).");
        }

        return new SafeFileHandle(fd, ownsHandle: true);
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "syncfs", SetLastError = true)]
    private static partial int SyncFs(SafeFileHandle fd);

    [LibraryImport("libc", EntryPoint = "sync")]
    private static partial void Sync();
}
