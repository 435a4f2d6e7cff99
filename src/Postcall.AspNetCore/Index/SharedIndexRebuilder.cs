namespace Postcall.Index;

/// <summary>An index that is written as part of each commit (PostgreSQL) rebuilds itself as the service would.</summary>
internal sealed class SharedIndexRebuilder(IConversationIndex index) : IIndexRebuilder
{
    public async Task<IndexRebuildResult> RebuildEverythingAsync(CancellationToken cancellationToken) =>
        new(await index.RebuildAsync(everything: true, cancellationToken), index.Location, null);
}
