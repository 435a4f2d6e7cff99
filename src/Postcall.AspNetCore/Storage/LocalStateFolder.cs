namespace Postcall.Storage;

/// <summary>
/// This process's own local state: the temp files bodies are spooled and decoded into before they are committed, in
/// <c>&lt;folder&gt;/tmp</c>, and the lock (<see cref="RootLock"/>) that makes them this process's alone. Every store
/// keeps one, in every mode: a body must be on local disk before its signature is judged. Only the process holding
/// the lock sweeps its temp files, so no instance ever deletes another's bodies in flight.
/// </summary>
internal sealed class LocalStateFolder : IDisposable
{
    private RootLock? _lock;

    public LocalStateFolder(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        Folder = folder;
        TempDirectory = Path.Combine(folder, "tmp");
    }

    /// <summary>The folder that holds the lock and the temp files.</summary>
    public string Folder { get; }

    public string TempDirectory { get; }

    /// <summary>
    /// Takes the folder for this process (<see cref="RootInUseException"/> when another holds it), creates it, makes
    /// it and everything in it owner-only (an earlier version left them to the umask) and removes the temp files a
    /// crash left behind; returns how many.
    /// </summary>
    public int Initialize()
    {
        _lock ??= RootLock.Acquire(Folder);
        var removed = Sweep();
        OwnerOnly.TightenTree(Folder); // after the sweep: no walk over temp files about to go
        return removed;
    }

    /// <summary>
    /// Takes the first of <paramref name="slots"/> numbered folders under <paramref name="parent"/> that no other
    /// process holds: how several instances on one host each get local state of their own without configuration.
    /// </summary>
    public static LocalStateFolder TakeFreeSlot(string parent, int slots, out int removed)
    {
        for (var slot = 0; slot < slots; slot++)
        {
            var spool = new LocalStateFolder(Path.Combine(parent, slot.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            try
            {
                removed = spool.Initialize();
                return spool;
            }
            catch (RootInUseException)
            {
                spool.Dispose();
            }
        }

        throw new RootInUseException(parent, null);
    }

    private int Sweep()
    {
        OwnerOnly.CreateDirectory(TempDirectory);
        var removed = 0;
        foreach (var stale in Directory.EnumerateFiles(TempDirectory))
        {
            File.Delete(stale);
            removed++;
        }

        return removed;
    }

    /// <summary>Free space on the file system the temp files are written to, in bytes.</summary>
    public long AvailableFreeSpace() => new DriveInfo(Folder).AvailableFreeSpace;

    /// <param name="flushEarlyEvery">For a file that will be flushed: start flushing it in the background every this many bytes.</param>
    public TempPayload CreateTemp(long flushEarlyEvery = 0) => StorageException.Guard(() =>
    {
        try
        {
            return OpenTemp(flushEarlyEvery);
        }
        catch (DirectoryNotFoundException)
        {
            // Someone removed the folder while we run; put it back.
            OwnerOnly.CreateDirectory(TempDirectory);
            return OpenTemp(flushEarlyEvery);
        }
    });

    private TempPayload OpenTemp(long flushEarlyEvery)
    {
        var path = Path.Combine(TempDirectory, $"{Guid.NewGuid():N}.tmp");
        var stream = new FileStream(path, OwnerOnly.Options(FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read, 1, FileOptions.Asynchronous));
        return new TempPayload(path, stream, flushEarlyEvery);
    }

    /// <summary>Gives the folder back for another process to take.</summary>
    public void Dispose()
    {
        _lock?.Dispose();
        _lock = null;
    }
}
