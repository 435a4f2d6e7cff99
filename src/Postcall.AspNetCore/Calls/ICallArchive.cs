namespace Postcall.Calls;

/// <summary>
/// The stored calls, read the same way whatever the engines (files and SQLite, or S3 and PostgreSQL): for an app's own
/// endpoints beside Postcall's, as the earlier service's <c>routes.py</c> was extended. Resolve it from the app's
/// services. It answers only what is stored: a call being delivered right now appears once its commit is done.
/// </summary>
public interface ICallArchive
{
    /// <summary>A page of calls, newest first, filtered and searched as <paramref name="query"/> says.</summary>
    /// <param name="query">Filters, words to find, the page size and where to continue.</param>
    /// <param name="cancellationToken">Stops the reading.</param>
    /// <exception cref="ArgumentException">The query is not valid (a limit out of range, a cursor not from a page).</exception>
    /// <exception cref="ArchiveUnavailableException">The index or the storage cannot answer now.</exception>
    Task<CallPage> ListAsync(CallQuery query, CancellationToken cancellationToken = default);

    /// <summary>One call with its payloads read as typed events; null when no call has this id.</summary>
    /// <param name="conversationId">The conversation's id; an id that could not be one (a path, a control character) finds nothing.</param>
    /// <param name="cancellationToken">Stops the reading.</param>
    /// <exception cref="ArchiveUnavailableException">The storage cannot answer now.</exception>
    Task<StoredCall?> GetAsync(string conversationId, CancellationToken cancellationToken = default);

    /// <summary>The call's recording, MP3, seekable, read from storage as it is read; null when none is stored. Dispose it.</summary>
    /// <param name="conversationId">The conversation's id.</param>
    /// <param name="cancellationToken">Stops the opening.</param>
    /// <exception cref="ArchiveUnavailableException">The storage cannot answer now.</exception>
    Task<Stream?> OpenAudioAsync(string conversationId, CancellationToken cancellationToken = default);
}
