namespace Postcall.Index;

/// <summary>What <see cref="IndexRebuild"/> needs of an index: its stamps, and a way to re-read conversations into it.</summary>
internal interface IRebuildTarget
{
    /// <summary>Every indexed conversation id with the stamp it was indexed from.</summary>
    Task<Dictionary<string, string>> StampsAsync(CancellationToken cancellationToken);

    /// <summary>Re-reads these conversations from the store into the index (gone: removed); returns those that could not be read.</summary>
    Task<IReadOnlyList<string>> RefreshAsync(IReadOnlyList<string> conversationIds, CancellationToken cancellationToken);
}
