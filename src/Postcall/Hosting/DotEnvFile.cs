namespace Postcall.Hosting;

/// <summary>
/// Reads a <c>.env</c> file the way python-dotenv does for the forms people write: <c>KEY=value</c>,
/// <c>export KEY=value</c>, quotes, comments. Real environment variables always win over it.
/// </summary>
internal static class DotEnvFile
{
    public static IReadOnlyDictionary<string, string?> Read(string path)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (!File.Exists(path))
        {
            return values;
        }

        foreach (var rawLine in File.ReadAllLines(path))
        {
            if (TryParseLine(rawLine, out var key, out var value))
            {
                values[key] = value;
            }
        }

        return values;
    }

    public static bool TryParseLine(string line, out string key, out string value)
    {
        ArgumentNullException.ThrowIfNull(line);
        key = value = string.Empty;
        var text = line.Trim();
        if (text.Length == 0 || text[0] == '#')
        {
            return false;
        }

        if (text.StartsWith("export ", StringComparison.Ordinal))
        {
            text = text["export ".Length..].TrimStart();
        }

        var eq = text.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0)
        {
            return false;
        }

        key = text[..eq].Trim();
        value = ParseValue(text[(eq + 1)..].Trim());
        return key.Length > 0;
    }

    private static string ParseValue(string raw)
    {
        if (raw.Length >= 2 && raw[0] is '"' or '\'')
        {
            var close = raw.IndexOf(raw[0], 1);
            if (close > 0)
            {
                var inner = raw[1..close];
                return raw[0] == '"' ? inner.Replace("\\n", "\n", StringComparison.Ordinal) : inner;
            }
        }

        // An unquoted value ends at a comment that follows whitespace: KEY=value # note
        var comment = raw.IndexOf(" #", StringComparison.Ordinal);
        return (comment >= 0 ? raw[..comment] : raw).Trim();
    }
}
