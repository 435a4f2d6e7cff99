using System.Globalization;

namespace Postcall.ElevenLabs;

/// <summary>
/// A parsed <c>elevenlabs-signature</c> header: <c>t=&lt;unix seconds&gt;,v0=&lt;hex HMAC-SHA256&gt;</c>.
/// Parts may come in any order with spaces around them; several <c>v0</c> parts are allowed
/// (any one may match) and parts of other schemes are ignored so a future scheme does not break us.
/// </summary>
public sealed class SignatureHeader
{
    /// <summary>The header's name (HTTP header names are case-insensitive).</summary>
    public const string Name = "elevenlabs-signature";

    // A real header is about 80 characters; anything far larger is not worth scanning.
    private const int MaxLength = 4096;
    private const int MaxCandidates = 16;
    private const int MacBytes = 32;

    private SignatureHeader(long timestamp, IReadOnlyList<byte[]> candidates)
    {
        Timestamp = timestamp;
        Candidates = candidates;
    }

    /// <summary>The <c>t</c> part: when ElevenLabs signed, in Unix seconds.</summary>
    public long Timestamp { get; }

    /// <summary>The decoded <c>v0</c> MACs, 32 bytes each.</summary>
    public IReadOnlyList<byte[]> Candidates { get; }

    /// <summary>Parses a header value; false when it is not well formed.</summary>
    /// <param name="value">The header value.</param>
    /// <param name="header">The parsed header, when well formed.</param>
    public static bool TryParse(string? value, out SignatureHeader? header) => TryParse(value, out header, out _);

    /// <summary>Parses a header value, saying why when it is not well formed.</summary>
    /// <param name="value">The header value.</param>
    /// <param name="header">The parsed header, when well formed.</param>
    /// <param name="problem">Why the header is not well formed, in words for a person; null when it is.</param>
    public static bool TryParse(string? value, out SignatureHeader? header, out string? problem)
    {
        header = null;
        problem = Check(value, out var timestamp, out var candidates);
        if (problem is null)
        {
            header = new SignatureHeader(timestamp, candidates);
        }

        return problem is null;
    }

    private static string? Check(string? value, out long timestamp, out List<byte[]> candidates)
    {
        timestamp = 0;
        candidates = [];
        if (string.IsNullOrWhiteSpace(value))
        {
            return "the header is empty";
        }

        if (value.Length > MaxLength)
        {
            return $"the header is longer than {MaxLength} characters";
        }

        var seenTimestamp = false;
        foreach (var rawPart in value.Split(','))
        {
            var part = rawPart.Trim();
            if (part.Length == 0)
            {
                continue;
            }

            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                return $"the part '{Shorten(part)}' is not of the form key=value";
            }

            var key = part[..eq].Trim();
            var val = part[(eq + 1)..].Trim();
            if (key == "t")
            {
                if (seenTimestamp)
                {
                    return "t= appears more than once";
                }

                if (!TryParseTimestamp(val, out timestamp))
                {
                    return $"t='{Shorten(val)}' is not a whole number of unix seconds";
                }

                seenTimestamp = true;
            }
            else if (key == "v0")
            {
                if (!TryParseMac(val, out var mac))
                {
                    return $"v0='{Shorten(val)}' is not {MacBytes * 2} hex characters";
                }

                if (candidates.Count < MaxCandidates)
                {
                    candidates.Add(mac);
                }
            }
        }

        return !seenTimestamp ? "there is no t=<unix seconds> part"
            : candidates.Count == 0 ? "there is no v0=<hex HMAC> part"
            : null;
    }

    private static string Shorten(string text) => text.Length <= 20 ? text : text[..17] + "...";

    private static bool TryParseTimestamp(string value, out long timestamp)
    {
        timestamp = 0;
        return value.Length is > 0 and <= 18
            && value.All(char.IsAsciiDigit)
            && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out timestamp);
    }

    private static bool TryParseMac(string value, out byte[] mac)
    {
        mac = [];
        if (value.Length != MacBytes * 2 || !value.All(char.IsAsciiHexDigit))
        {
            return false;
        }

        mac = Convert.FromHexString(value);
        return true;
    }
}
