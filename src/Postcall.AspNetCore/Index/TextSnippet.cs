namespace Postcall.Index;

/// <summary>
/// A short excerpt of a transcript around the first searched word. Made here rather than by FTS5's snippet(),
/// which would re-run the full-text query for every row of the page (hundreds of milliseconds on a common word).
/// </summary>
internal static class TextSnippet
{
    private const int Before = 50;
    private const int After = 110;

    /// <summary>The excerpt around the earliest of <paramref name="words"/>, or null when none occurs in the text.</summary>
    public static string? Around(string text, IEnumerable<string> words)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(words);
        var at = words.Select(w => text.IndexOf(w, StringComparison.OrdinalIgnoreCase)).Where(i => i >= 0).DefaultIfEmpty(-1).Min();
        if (at < 0)
        {
            return null;
        }

        var start = Math.Max(0, at - Before);
        var end = Math.Min(text.Length, at + After);
        // Whole words only: move the cut to the nearest space inside the window.
        if (start > 0 && text.IndexOf(' ', start, at - start) is var space and >= 0)
        {
            start = space + 1;
        }

        if (end < text.Length && text.LastIndexOf(' ', end - 1, end - at) is var last and > 0 && last > at)
        {
            end = last;
        }

        var excerpt = string.Join(' ', text[start..end].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return $"{(start > 0 ? "…" : string.Empty)}{excerpt}{(end < text.Length ? "…" : string.Empty)}";
    }
}
