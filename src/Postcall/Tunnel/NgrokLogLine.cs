using System.Text.Json;

namespace Postcall.Tunnel;

/// <summary>One line of the agent's <c>--log-format json</c> output; only the fields we act on.</summary>
internal sealed record NgrokLogLine(string? Level, string? Message, string? Address, string? Url, string? Error)
{
    public static NgrokLogLine? Parse(string line)
    {
        if (!line.StartsWith('{'))
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            string? Field(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            return new NgrokLogLine(Field("lvl"), Field("msg"), Field("addr"), Field("url"), Field("err"));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public bool IsError => Level is "eror" or "crit" || Error is { Length: > 0 } && Error != "<nil>";
}
