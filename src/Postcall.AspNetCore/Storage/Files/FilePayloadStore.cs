using System.Runtime.CompilerServices;

namespace Postcall.Storage.Files;

/// <summary>
/// Durable payload files under <c>&lt;root&gt;/&lt;cid&gt;/&lt;cid&gt;_&lt;kind&gt;</c>. A payload appears only whole:
/// written to a temp file in <c>&lt;root&gt;/.postcall/tmp</c>, flushed, renamed onto its name, and flushed again,
/// all before the caller may answer 200; the flushes are shared by every delivery in flight (group commit).
/// </summary>
internal sealed class FilePayloadStore : IPayloadStore
{
    public const string StateFolderName = ".postcall";

    /// <summary>In the state folder: conversation folders left open by an earlier version have been tightened.</summary>
    private const string OwnerOnlyMarker = "owner-only";

    /// <summary>The readiness probe's folders: a leading dot, so never a conversation.</summary>
    private const string ProbePrefix = ".ready-";

    /// <summary>A temp file this large flushes its own bytes rather than waiting for the shared flush.</summary>
    private const long OwnFlushBytes = 1024 * 1024;

    /// <summary>How much more of a recording being written starts another early flush (<see cref="EarlyFlush"/>).</summary>
    private const long EarlyFlushBytes = 8 * 1024 * 1024;

    private readonly string _displayRoot;
    private readonly object _flushGate = new();
    private FileSystemFlush? _flush;

    /// <summary>Locks for placing payloads, one per group of payload names (<see cref="Place"/>).</summary>
    private readonly Lock[] _placing = [.. Enumerable.Range(0, 64).Select(_ => new Lock())];

    /// <param name="root">As configured; a relative root is taken from <paramref name="baseDirectory"/>.</param>
    /// <param name="baseDirectory">Defaults to the working directory, as the earlier service resolved it.</param>
    public FilePayloadStore(string root, string? baseDirectory = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.GetFullPath(root, baseDirectory ?? Directory.GetCurrentDirectory());
        StateDirectory = Path.Combine(Root, StateFolderName);
        // The temp files must be on the root's file system: a commit is a rename.
        LocalState = new LocalStateFolder(StateDirectory);
        _displayRoot = root.StartsWith("./", StringComparison.Ordinal) ? root[2..] : root;
    }

    public string Root { get; }

    public string Location => Root;

    /// <summary>The service's own state; hidden, so the root lists only conversations.</summary>
    public string StateDirectory { get; }

    public LocalStateFolder LocalState { get; }

    public TempPayload CreateTemp() => LocalState.CreateTemp();

    /// <summary>
    /// Committed with its own fsync (<see cref="OwnFlushBytes"/> and up): flushed in the background every
    /// <see cref="EarlyFlushBytes"/> as it grows, so that fsync finds little left to write.
    /// </summary>
    public TempPayload CreatePayloadTemp() => LocalState.CreateTemp(EarlyFlushBytes);

    /// <summary>
    /// Takes the root for this process (<see cref="RootInUseException"/> when another service holds it), creates the
    /// folders and removes temp files a crash left behind; returns how many. The first start of a version that keeps
    /// calls owner-only also tightens the conversation folders an earlier one left to the umask, once.
    /// </summary>
    public int Initialize()
    {
        var removed = LocalState.Initialize();
        TightenConversationsOnce();

        // A readiness probe cut short by a crash.
        foreach (var probe in Directory.EnumerateDirectories(Root, ProbePrefix + "*"))
        {
            Directory.Delete(probe, recursive: true);
        }

        return removed;
    }

    /// <summary>
    /// Conversation folders and their files made owner-only, once per root (a marker in the state folder says it was
    /// done): what earlier versions stored under a umask of 022 was readable by every local user. Only folders named
    /// like conversations are touched; the root itself is the operator's, and keeps its mode.
    /// </summary>
    private void TightenConversationsOnce()
    {
        var marker = Path.Combine(StateDirectory, OwnerOnlyMarker);
        if (OperatingSystem.IsWindows() || File.Exists(marker))
        {
            return;
        }

        foreach (var id in Conversations())
        {
            OwnerOnly.TightenTree(Path.Combine(Root, id.Value));
        }

        using (new FileStream(marker, OwnerOnly.Options(FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite)))
        {
        }
    }

    /// <summary>Every stored conversation, by folder name; the state folder and names that are not ids are skipped.</summary>
    public IEnumerable<ConversationId> Conversations()
    {
        foreach (var folder in Directory.EnumerateDirectories(Root))
        {
            if (ConversationId.TryParse(Path.GetFileName(folder), out var id))
            {
                yield return id;
            }
        }
    }

    public async IAsyncEnumerable<StoredConversation> ConversationsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        foreach (var id in Conversations())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (PayloadFiles(id) is { Count: > 0 } payloads)
            {
                yield return new StoredConversation(id, payloads);
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
        var folder = Path.Combine(Root, $"{ProbePrefix}{Guid.NewGuid():N}");
        await using (var temp = CreateTemp())
        {
            await temp.WriteAsync(new byte[] { 1 }, cancellationToken);
            temp.Close();
            try
            {
                OwnerOnly.CreateDirectory(folder);
                File.Move(temp.Path, Path.Combine(folder, "probe"));
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
        // Lets any queued flush finish before the root is given back.
        _flush?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _flush = null;
        LocalState.Dispose();
    }

    public string DirectoryFor(ConversationId id) => Path.Combine(Root, id.Value);

    public string PathFor(ConversationId id, PayloadKind kind) => Path.Combine(DirectoryFor(id), kind.FileName(id));

    public Task<IReadOnlyList<PayloadObject>> PayloadsAsync(ConversationId id, CancellationToken cancellationToken = default) =>
        StorageException.Guard(() => Task.FromResult(PayloadFiles(id)));

    /// <summary>
    /// The payload files in a conversation's folder: the known kinds that are there, in <see cref="PayloadKind.Known"/>
    /// order, then other event types by name. Files whose names are no payload's are not listed.
    /// </summary>
    public IReadOnlyList<PayloadObject> PayloadFiles(ConversationId id)
    {
        var folder = new DirectoryInfo(DirectoryFor(id));
        if (!folder.Exists)
        {
            return [];
        }

        var files = new List<PayloadObject>();
        try
        {
            foreach (var file in folder.EnumerateFiles())
            {
                if (PayloadKind.TryFromFileName(id, file.Name, out var kind))
                {
                    files.Add(Describe(kind, file));
                }
            }
        }
        catch (DirectoryNotFoundException)
        {
            return []; // deleted while we looked
        }

        return PayloadKind.InOrder(files, f => f.Kind);
    }

    public Task<PayloadContent?> OpenAsync(ConversationId id, PayloadKind kind, CancellationToken cancellationToken = default)
    {
        try
        {
            var stream = new FileStream(PathFor(id, kind), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1,
                FileOptions.Asynchronous | FileOptions.SequentialScan);
            var written = File.GetLastWriteTimeUtc(stream.SafeFileHandle);
            return Task.FromResult<PayloadContent?>(new PayloadContent(stream, stream.Length, new DateTimeOffset(written, TimeSpan.Zero), VersionOf(written)));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<PayloadContent?>(null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StorageException("The stored payload could not be read.", e);
        }
    }

    /// <summary>Copies the file into a temp file of this store's, then commits it: a duplicate is found by comparing bytes.</summary>
    public async Task<StoredPayload> ImportAsync(string file, ConversationId id, PayloadKind kind, CancellationToken cancellationToken = default)
    {
        await using var temp = CreatePayloadTemp();
        await StorageException.Guard(async () =>
        {
            await using var source = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, useAsync: true);
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
            {
                await temp.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        });
        return await CommitAsync(temp, id, kind, cancellationToken);
    }

    /// <summary>
    /// Makes <paramref name="temp"/> the conversation's payload of <paramref name="kind"/>. Identical bytes already
    /// stored make it a duplicate (the stored file is untouched); different bytes replace it atomically.
    /// <para>
    /// The order is today's guarantee, with the flushes shared (<see cref="FileSystemFlush"/>): the bytes are durable
    /// before the file gets its name (a power cut never leaves a half-written payload under a payload's name), and the
    /// name is durable before this returns. A large file (a recording) flushes its own bytes and folders with
    /// fsync, so it never holds up the flush that small deliveries share, nor makes it write back its spool.
    /// </para>
    /// </summary>
    public Task<StoredPayload> CommitAsync(TempPayload temp, ConversationId id, PayloadKind kind, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(temp);
        cancellationToken.ThrowIfCancellationRequested();
        return StorageException.Guard(() => temp.Length >= OwnFlushBytes
            ? DurableIo.Shared.RunAsync(() => CommitLarge(temp, id, kind))
            : CommitSmallAsync(temp, id, kind));
    }

    /// <summary>Both flushes shared with every delivery in flight; naming it is a few metadata calls, done here.</summary>
    private async Task<StoredPayload> CommitSmallAsync(TempPayload temp, ConversationId id, PayloadKind kind)
    {
        var flush = SharedFlush();
        temp.Close();
        await flush.FlushAsync(CancellationToken.None);
        var stored = Place(temp, id, kind, out _); // a new write time, if it got one, is flushed with the name
        // Also for a duplicate: the first copy's rename may not be flushed yet when this answer goes out.
        await flush.FlushAsync(CancellationToken.None);
        return stored;
    }

    /// <summary>
    /// A recording flushes its own bytes and folders, in one step off the request threads (its comparison with a
    /// stored copy may read megabytes). A shared syncfs would also write back its spool, the base64 body about to be
    /// deleted: tens of MB nothing needs on disk.
    /// </summary>
    private StoredPayload CommitLarge(TempPayload temp, ConversationId id, PayloadKind kind)
    {
        temp.FlushToDisk();
        temp.Close();
        var stored = Place(temp, id, kind, out var restamped);
        if (restamped)
        {
            FlushFile(PathFor(id, kind)); // its new write time, flushed before its name can be
        }

        DirectorySync.Flush(DirectoryFor(id));
        DirectorySync.Flush(Root);
        return stored;
    }

    /// <summary>
    /// Removes the conversation's folder and everything in it, durably (the root is flushed before this returns).
    /// Returns how many payload files it held; 0 when there was no such conversation.
    /// </summary>
    public Task<int> DeleteConversationAsync(ConversationId id, CancellationToken cancellationToken = default) =>
        StorageException.Guard(() => DurableIo.Shared.RunAsync(() =>
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

    /// <summary>
    /// Gives the durable temp file its name, unless the same bytes are there already. The comparison, the rename and
    /// reading the version are one step for each payload name: two copies of a delivery arriving at once must not both
    /// find the name free and both be stored, each under a version of its own (which would forward the call twice).
    /// This process is the root's only writer (<see cref="RootLock"/>), so a lock in memory is enough.
    /// <para>
    /// A payload's version is its write time, so a replacement must be written later than the copy it replaces. A
    /// clock that ticks coarsely (many kernels stamp files every few milliseconds) or two replacements placed out of
    /// order would otherwise give new bytes the version of old ones, and they would never be forwarded. Such a file
    /// gets the stored copy's write time plus one tick (<paramref name="restamped"/>), which the caller must flush.
    /// </para>
    /// </summary>
    private StoredPayload Place(TempPayload temp, ConversationId id, PayloadKind kind, out bool restamped)
    {
        var directory = DirectoryFor(id);
        var target = PathFor(id, kind);
        restamped = false;
        lock (_placing[(uint)StringComparer.Ordinal.GetHashCode(target) % (uint)_placing.Length])
        {
            var stored = new FileInfo(target); // the usual case, a first delivery, costs this one stat
            var duplicate = stored.Exists && FileComparison.SameContent(target, temp.Path);
            if (!duplicate)
            {
                restamped = stored.Exists && WrittenAfter(temp.Path, stored.LastWriteTimeUtc);
                OwnerOnly.CreateDirectory(directory);
                File.Move(temp.Path, target, overwrite: true);
                temp.Committed = true;
            }

            return new StoredPayload(Describe(kind, new FileInfo(target)), Path.Combine(_displayRoot, id.Value, kind.FileName(id)), duplicate);
        }
    }

    /// <summary>Gives <paramref name="path"/> a write time later than <paramref name="previous"/> if it has none; true if it had to.</summary>
    private static bool WrittenAfter(string path, DateTime previous)
    {
        if (File.GetLastWriteTimeUtc(path) > previous)
        {
            return false;
        }

        File.SetLastWriteTimeUtc(path, previous.AddTicks(1));
        return true;
    }

    /// <summary>fsync of a file by name: what changed in its inode (a write time) is on disk.</summary>
    private static void FlushFile(string path)
    {
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        RandomAccess.FlushToDisk(file);
    }

    /// <summary>The group commit of this root, opened at the first commit (the root exists by then).</summary>
    private FileSystemFlush SharedFlush()
    {
        if (Volatile.Read(ref _flush) is { } flush)
        {
            return flush;
        }

        lock (_flushGate)
        {
            return _flush ??= StorageException.Guard(() => new FileSystemFlush(Root));
        }
    }

    private static PayloadObject Describe(PayloadKind kind, FileInfo file) =>
        new(kind, file.Length, new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero), VersionOf(file.LastWriteTimeUtc));

    private static string VersionOf(DateTime writtenUtc) => writtenUtc.Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
