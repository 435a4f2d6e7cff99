namespace Postcall.Storage;

/// <summary>
/// Durable payload files under <c>&lt;root&gt;/&lt;cid&gt;/&lt;cid&gt;_&lt;kind&gt;</c>. A payload appears only whole:
/// written to a temp file in <c>&lt;root&gt;/.postcall/tmp</c>, fsynced, renamed onto its name, and the folders
/// fsynced, all before the caller may answer 200.
/// </summary>
public sealed class PayloadStore : IDisposable
{
    public const string StateFolderName = ".postcall";

    /// <summary>The readiness probe's folders: a leading dot, so never a conversation.</summary>
    private const string ProbePrefix = ".ready-";

    private readonly string _displayRoot;

    /// <param name="root">As configured; a relative root is taken from <paramref name="baseDirectory"/>.</param>
    /// <param name="baseDirectory">Defaults to the working directory, as the earlier service resolved it.</param>
    public PayloadStore(string root, string? baseDirectory = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = System.IO.Path.GetFullPath(root, baseDirectory ?? Directory.GetCurrentDirectory());
        StateDirectory = System.IO.Path.Combine(Root, StateFolderName);
        TempDirectory = System.IO.Path.Combine(StateDirectory, "tmp");
        _displayRoot = root.StartsWith("./", StringComparison.Ordinal) ? root[2..] : root;
    }

    public string Root { get; }

    /// <summary>The service's own state; hidden, so the root lists only conversations.</summary>
    public string StateDirectory { get; }

    public string TempDirectory { get; }

    private RootLock? _lock;

    /// <summary>
    /// Takes the root for this process (<see cref="RootInUseException"/> when another service holds it), creates the
    /// folders and removes temp files a crash left behind; returns how many.
    /// </summary>
    public int Initialize()
    {
        _lock ??= RootLock.Acquire(StateDirectory);
        Directory.CreateDirectory(TempDirectory);
        var removed = 0;
        foreach (var stale in Directory.EnumerateFiles(TempDirectory))
        {
            File.Delete(stale);
            removed++;
        }

        // A readiness probe cut short by a crash.
        foreach (var probe in Directory.EnumerateDirectories(Root, ProbePrefix + "*"))
        {
            Directory.Delete(probe, recursive: true);
        }

        return removed;
    }

    /// <summary>Every stored conversation, by folder name; the state folder and names that are not ids are skipped.</summary>
    public IEnumerable<ConversationId> Conversations()
    {
        foreach (var folder in Directory.EnumerateDirectories(Root))
        {
            if (ConversationId.TryParse(System.IO.Path.GetFileName(folder), out var id))
            {
                yield return id;
            }
        }
    }

    /// <summary>
    /// Does what storing a delivery does, with a probe instead of a payload: writes a temp file in the state folder,
    /// creates a folder under the root (named so it can never be a conversation) and renames the file into it, then
    /// removes both. Throws <see cref="StorageException"/> when any step is refused.
    /// </summary>
    public Task ProbeCommitAsync(CancellationToken cancellationToken = default) => StorageException.Guard(async () =>
    {
        var folder = System.IO.Path.Combine(Root, $"{ProbePrefix}{Guid.NewGuid():N}");
        await using (var temp = CreateTemp())
        {
            await temp.WriteAsync(new byte[] { 1 }, cancellationToken);
            temp.Close();
            try
            {
                Directory.CreateDirectory(folder);
                File.Move(temp.Path, System.IO.Path.Combine(folder, "probe"));
                temp.Committed = true;
            }
            finally
            {
                if (Directory.Exists(folder))
                {
                    Directory.Delete(folder, recursive: true);
                }
            }
        }
    });

    /// <summary>Gives the root back for another service to take.</summary>
    public void Dispose()
    {
        _lock?.Dispose();
        _lock = null;
    }

    /// <summary>Free space on the file system that holds the root, in bytes.</summary>
    public long AvailableFreeSpace() => new DriveInfo(Root).AvailableFreeSpace;

    public string DirectoryFor(ConversationId id) => System.IO.Path.Combine(Root, id.Value);

    /// <summary>
    /// The payload files in a conversation's folder: the known kinds that are there, in <see cref="PayloadKind.Known"/>
    /// order, then other event types by name. Files whose names are no payload's are not listed.
    /// </summary>
    public IReadOnlyList<(PayloadKind Kind, FileInfo File)> PayloadFiles(ConversationId id)
    {
        var folder = new DirectoryInfo(DirectoryFor(id));
        if (!folder.Exists)
        {
            return [];
        }

        var files = new List<(PayloadKind Kind, FileInfo File)>();
        try
        {
            foreach (var file in folder.EnumerateFiles())
            {
                if (PayloadKind.TryFromFileName(id, file.Name, out var kind))
                {
                    files.Add((kind, file));
                }
            }
        }
        catch (DirectoryNotFoundException)
        {
            return []; // deleted while we looked
        }

        return [.. PayloadKind.Known.SelectMany(known => files.Where(f => f.Kind == known)),
            .. files.Where(f => f.Kind.IsOther).OrderBy(f => f.Kind.Name, StringComparer.Ordinal)];
    }

    public string PathFor(ConversationId id, PayloadKind kind) => System.IO.Path.Combine(DirectoryFor(id), kind.FileName(id));

    public TempPayload CreateTemp() => StorageException.Guard(() =>
    {
        try
        {
            return OpenTemp();
        }
        catch (DirectoryNotFoundException)
        {
            // Someone removed the root or its state folder while we run; put it back.
            Directory.CreateDirectory(TempDirectory);
            return OpenTemp();
        }
    });

    private TempPayload OpenTemp()
    {
        var path = System.IO.Path.Combine(TempDirectory, $"{Guid.NewGuid():N}.tmp");
        var stream = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read, 1, FileOptions.Asynchronous);
        return new TempPayload(path, stream);
    }

    /// <summary>
    /// Makes <paramref name="temp"/> the conversation's payload of <paramref name="kind"/>. Identical bytes already
    /// stored make it a duplicate (the stored file is untouched); different bytes replace it atomically.
    /// </summary>
    public Task<StoredPayload> CommitAsync(TempPayload temp, ConversationId id, PayloadKind kind, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(temp);
        cancellationToken.ThrowIfCancellationRequested();
        return StorageException.Guard(() => DurableIo.Shared.RunAsync(() => Commit(temp, id, kind)));
    }

    /// <summary>
    /// Removes the conversation's folder and everything in it, durably (the root is flushed before this returns).
    /// Returns how many payload files it held; 0 when there was no such conversation.
    /// </summary>
    public Task<int> DeleteConversationAsync(ConversationId id) => StorageException.Guard(() => DurableIo.Shared.RunAsync(() =>
    {
        var directory = DirectoryFor(id);
        if (!Directory.Exists(directory))
        {
            return 0;
        }

        var payloads = PayloadFiles(id).Count;
        Directory.Delete(directory, recursive: true);
        DirectorySync.Flush(Root);
        return payloads;
    }));

    private StoredPayload Commit(TempPayload temp, ConversationId id, PayloadKind kind)
    {
        temp.FlushToDisk();
        var size = temp.Length;
        temp.Close();

        var directory = DirectoryFor(id);
        var target = PathFor(id, kind);
        var duplicate = FileComparison.SameContent(target, temp.Path);
        if (!duplicate)
        {
            Directory.CreateDirectory(directory);
            File.Move(temp.Path, target, overwrite: true);
            temp.Committed = true;
        }

        // Also for a duplicate: the first copy's rename may not be flushed yet when this answer goes out.
        DirectorySync.Flush(directory);
        DirectorySync.Flush(Root);
        return new StoredPayload(target, System.IO.Path.Combine(_displayRoot, id.Value, kind.FileName(id)), size, duplicate);
    }
}
