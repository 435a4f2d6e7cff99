namespace Postcall.Index;

/// <summary>
/// Turns what a person typed into an FTS5 query that cannot fail to parse: each word quoted (so operators and
/// punctuation are plain text), all words required, the last one matched as a prefix for search-as-you-type.
/// </summary>
internal static class FullTextQuery
{
    public const int MaxWords = 16;

    public static string? From(string? typed)
    {
        var words = Words(typed);
        return words.Count == 0 ? null : string.Join(' ', words.Select(w => $"\"{w}\"")) + "*";
    }

    /// <summary>
    /// The words of <paramref name="typed"/> that take part in the search, quotes removed. Control characters (a NUL
    /// from <c>%00</c>, an escape) separate words like spaces do: they are the client's noise, never the index's fault.
    /// </summary>
    public static IReadOnlyList<string> Words(string? typed) => string.IsNullOrWhiteSpace(typed) ? [] :
    [
        .. string.Create(typed.Length, typed, static (chars, text) =>
            {
                for (var i = 0; i < text.Length; i++)
                {
                    chars[i] = char.IsControl(text[i]) ? ' ' : text[i];
                }
            })
            .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(w => w.Replace("\"", string.Empty, StringComparison.Ordinal))
            .Where(w => w.Any(char.IsLetterOrDigit))
            .Take(MaxWords),
    ];
}
