using System.Text;

namespace Postcall.Index;

/// <summary>
/// Turns what a person typed into an FTS5 query that cannot fail to parse: each word quoted (so operators and
/// punctuation are plain text), all words required, the last one matched as a prefix for search-as-you-type.
/// </summary>
public static class FullTextQuery
{
    public const int MaxWords = 16;

    public static string? From(string? typed)
    {
        if (string.IsNullOrWhiteSpace(typed))
        {
            return null;
        }

        var words = typed.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(w => w.Replace("\"", string.Empty, StringComparison.Ordinal))
            .Where(w => w.Any(char.IsLetterOrDigit))
            .Take(MaxWords)
            .ToList();
        if (words.Count == 0)
        {
            return null;
        }

        var query = new StringBuilder();
        foreach (var word in words)
        {
            query.Append(query.Length == 0 ? string.Empty : " ").Append('"').Append(word).Append('"');
        }

        return query.Append('*').ToString();
    }
}
