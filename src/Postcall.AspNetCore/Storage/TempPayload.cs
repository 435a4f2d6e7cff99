namespace Postcall.Storage;

/// <summary>
/// A file being written in this process's local temp folder. It becomes a payload only through
/// <see cref="IPayloadStore.CommitAsync"/>; disposed uncommitted, it is deleted.
/// </summary>
internal sealed class TempPayload : IAsyncDisposable
{
    private readonly FileStream _stream;
    private readonly long _flushEvery;
    private long _lastFlushStartedAt;
    private int _flushing;
    private bool _closed;

    /// <param name="flushEarlyEvery">Start a flush of the file in the background each time this many more bytes are written; 0: never.</param>
    internal TempPayload(string path, FileStream stream, long flushEarlyEvery = 0)
    {
        Path = path;
        _stream = stream;
        _flushEvery = flushEarlyEvery;
    }

    public string Path { get; }

    public long Length => _stream.Length;

    internal bool Committed { get; set; }

    public Task WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        StorageException.Guard(async () =>
        {
            await _stream.WriteAsync(data, cancellationToken);
            FlushEarly();
        });

    /// <summary>
    /// Once enough bytes were written since the last early flush began, starts another, unless one is still queued or
    /// running: the commit's flush then finds most of the file already on disk.
    /// </summary>
    private void FlushEarly()
    {
        var written = _stream.Position;
        if (_flushEvery > 0 && written - _lastFlushStartedAt >= _flushEvery && Interlocked.CompareExchange(ref _flushing, 1, 0) == 0)
        {
            _lastFlushStartedAt = written;
            EarlyFlush.Start(_stream.SafeFileHandle, () => Volatile.Write(ref _flushing, 0));
        }
    }

    /// <summary>Reads the file back from its start, e.g. to parse a spooled body.</summary>
    public Stream OpenRead() =>
        new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);

    /// <summary>fsync: the bytes are on disk before the file gets its real name.</summary>
    internal void FlushToDisk() => RandomAccess.FlushToDisk(_stream.SafeFileHandle);

    internal void Close()
    {
        if (!_closed)
        {
            _closed = true;
            _stream.Dispose();
        }
    }

    internal async ValueTask CloseAsync()
    {
        if (!_closed)
        {
            _closed = true;
            await _stream.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync();
        if (!Committed)
        {
            try
            {
                File.Delete(Path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Left for the start-up sweep of the temp folder; it never carries a payload's name.
            }
        }
    }
}
