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
    [InlineData("a\0b", "\"a\" \"b\"*")]
    [InlineData("\0\u0001\u001b\u007f", null)]
    [InlineData("re\u0085fund\u2028", "\"re\" \"fund\"*")]
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

public sealed class TextSnippetTests
{
    private const string Text = "Thanks for calling Northwind support, this is Ava. How can I help?\nHi, my order 4471 arrived a week late and I'd like a refund please, because the box was damaged and the contents were broken beyond any repair.";

    [Fact]
    public void The_excerpt_surrounds_the_earliest_word_whole_words_only_on_one_line()
    {
        var snippet = TextSnippet.Around(Text, ["REFUND", "4471"])!;
        Assert.Contains("order 4471 arrived", snippet, StringComparison.Ordinal);
        Assert.StartsWith("…", snippet, StringComparison.Ordinal);
        Assert.EndsWith("…", snippet, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", snippet, StringComparison.Ordinal);
        var words = snippet.Trim('…').Split(' ');
        Assert.All(words, w => Assert.Contains(w, Text, StringComparison.Ordinal));
        Assert.True(snippet.Length <= 170, snippet);
    }

    [Fact]
    public void Short_text_comes_whole_and_absent_words_give_nothing()
    {
        Assert.Equal("Are you open on Sundays?", TextSnippet.Around("Are you open\non Sundays?", ["open"]));
        Assert.Null(TextSnippet.Around(Text, ["zebra"]));
        Assert.Null(TextSnippet.Around(string.Empty, ["a"]));
    }
}
