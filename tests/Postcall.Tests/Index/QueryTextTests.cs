using Postcall.Index;

namespace Postcall.Tests.Index;

public sealed class QueryTextTests
{
    [Theory]
    [InlineData(null, null)]
    [InlineData("   ", null)]
    [InlineData("\"\"", null)]
    [InlineData("*** ---", null)]
    [InlineData("refund", "\"refund\"*")]
    [InlineData("  refund   order ", "\"refund\" \"order\"*")]
    [InlineData("say \"hi\" NOT", "\"say\" \"hi\" \"NOT\"*")]
    [InlineData("col:val (x)", "\"col:val\" \"(x)\"*")]
    public void Typed_words_become_a_safe_fts_query(string? typed, string? expected) => Assert.Equal(expected, FullTextQuery.From(typed));

    [Fact]
    public void At_most_sixteen_words_are_used() =>
        Assert.Equal(FullTextQuery.MaxWords, FullTextQuery.From(string.Join(' ', Enumerable.Range(0, 40).Select(i => $"w{i}")))!.Split(' ').Length);

    [Fact]
    public void Cursors_round_trip_and_anything_else_is_refused()
    {
        var cursor = new PageCursor(1_739_537_297, "conv_abc-1");
        Assert.True(PageCursor.TryDecode(cursor.Encode(), out var decoded));
        Assert.Equal(cursor, decoded);
        foreach (var bad in new[] { "", "!!", "bm90LWEtY3Vyc29y", "MTIzfC4uL2V0Yw", new string('A', 600) })
        {
            Assert.False(PageCursor.TryDecode(bad, out _), bad);
        }
    }
}
