namespace Postcall.Storage;

/// <summary>
/// Where payloads live: files under a root (<see cref="Files.FilePayloadStore"/>) or objects in an S3-compatible
/// bucket (<c>S3PayloadStore</c>, Postcall.S3), laid out alike as <c>&lt;cid&gt;/&lt;cid&gt;_&lt;kind&gt;</c>. Every
/// failure of the medium is a <see cref="StorageException"/>; no path, key or SDK type crosses this seam.
/// </summary>
internal interface IPayloadStore : IDisposable
{
    /// <summary>Where payloads go, as a person would name it: a folder, or <c>s3://bucket/prefix</c>.</summary>
    string Location { get; }

    /// <summary>This process's local state (temp files, its lock), in every mode.</summary>
    LocalStateFolder LocalState { get; }

    /// <summary>Takes this process's local state and sweeps what a crash left in it; returns how many temp files.</summary>
    int Initialize();

    /// <summary>A local temp file to spool a body into; it becomes a payload only through <see cref="CommitAsync"/>.</summary>
    TempPayload CreateTemp();

    /// <summary>
    /// A local temp file for a payload taken out of a body (a recording, decoded as the body arrives or cut from a
    /// spooled multipart body). Unlike a spool it is kept, so a store that will flush it to disk may start doing so as
    /// it grows.
    /// </summary>
    TempPayload CreatePayloadTemp();

    /// <summary>
    /// Makes <paramref name="temp"/> the conversation's payload of <paramref name="kind"/>, durably and whole, before it
    /// returns. Identical bytes already stored make it a duplicate (nothing is rewritten); different bytes replace it.
    /// </summary>
    Task<StoredPayload> CommitAsync(TempPayload temp, ConversationId id, PayloadKind kind, CancellationToken cancellationToken = default);

    /// <summary>
    /// Makes a copy of the local file <paramref name="file"/> the conversation's payload of <paramref name="kind"/>, as
    /// a commit does (identical bytes already stored are a duplicate, left alone); the file itself is untouched. What
    /// <c>postcall migrate</c> copies with: a store that can tell cheaply that the bytes are there does not send them again.
    /// </summary>
    Task<StoredPayload> ImportAsync(string file, ConversationId id, PayloadKind kind, CancellationToken cancellationToken = default);

    /// <summary>The conversation's payloads: the known kinds in <see cref="PayloadKind.Known"/> order, then other types by name.</summary>
    Task<IReadOnlyList<PayloadObject>> PayloadsAsync(ConversationId id, CancellationToken cancellationToken = default);

    /// <summary>One payload's bytes, seekable (for Range requests); null when it is not stored.</summary>
    Task<PayloadContent?> OpenAsync(ConversationId id, PayloadKind kind, CancellationToken cancellationToken = default);

    /// <summary>Removes every payload of the conversation, durably; returns how many there were.</summary>
    Task<int> DeleteConversationAsync(ConversationId id, CancellationToken cancellationToken = default);

    /// <summary>Every stored conversation with its payloads, in no particular order; names that are not ids are skipped.</summary>
    IAsyncEnumerable<StoredConversation> ConversationsAsync(CancellationToken cancellationToken = default);

    /// <summary>Does what a commit does with a probe, then removes it; throws <see cref="StorageException"/> when refused.</summary>
    Task ProbeCommitAsync(CancellationToken cancellationToken = default);
}
