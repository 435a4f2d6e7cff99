using Postcall.Index;
using Postcall.Sqlite;

namespace Postcall.Tests.Index;

internal static class SqliteIndexFileExtensions
{
    /// <summary>Writes facts the test already has, as <see cref="SqliteIndexFile.RefreshAsync"/> writes what it reads.</summary>
    public static IReadOnlyList<string> Refresh(this SqliteIndexFile index, IEnumerable<string> conversationIds, Func<string, ConversationFacts?> facts) =>
        index.RefreshAsync(conversationIds, id => Task.FromResult(facts(id))).GetAwaiter().GetResult();
}
