namespace Postcall.Storage;

/// <summary>
/// A file being written in this process's local temp folder. It becomes a payload only through
/// <see cref="IPayloadStore.CommitAsync"/>; disposed uncommitted, it is deleted.
/// </summary>
public sealed class TempPayload : IAsyncDisposable
{
    private readonly FileStream _stream;
    private readonly long _writeBackEvery;
    private long _writtenBack;
    private bool _closed;

    /// <param name="writeBackEvery">Start writing the file to disk each time this many more bytes are written; 0: never.</param>
    internal TempPayload(string path, FileStream stream, long writeBackEvery = 0)
    {
        Path = path;
        _stream = stream;
        _writeBackEvery = writeBackEvery;
    }

    public string Path { get; }

    public long Length => _stream.Length;

    internal bool Committed { get; set; }

    public Task WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) =>
        StorageException.Guard(async () =>
        {
            await _stream.WriteAsync(data, cancellationToken);
            StartWriteback();
        });

    /// <summary>Hands the bytes written since the last time to the disk once there are enough of them.</summary>
    private void StartWriteback()
    {
        var written = _stream.Position;
        if (_writeBackEvery > 0 && written - _writtenBack >= _writeBackEvery)
        {
            EarlyWriteback.Start(_stream.SafeFileHandle, _writtenBack, written - _writtenBack);
            _writtenBack = written;
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
