using System.Globalization;

namespace Postcall.ElevenLabs;

/// <summary>
/// A parsed <c>elevenlabs-signature</c> header: <c>t=&lt;unix seconds&gt;,v0=&lt;hex HMAC-SHA256&gt;</c>.
/// Parts may come in any order with spaces around them; several <c>v0</c> parts are allowed
/// (any one may match) and parts of other schemes are ignored so a future scheme does not break us.
/// </summary>
public sealed class SignatureHeader
{
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

    public long Timestamp { get; }

    /// <summary>The decoded <c>v0</c> MACs, 32 bytes each.</summary>
    public IReadOnlyList<byte[]> Candidates { get; }

    public static bool TryParse(string? value, out SignatureHeader? header)
    {
        header = null;
        if (string.IsNullOrWhiteSpace(value) || value.Length > MaxLength)
        {
            return false;
        }

        long? timestamp = null;
        var candidates = new List<byte[]>();
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
                return false;
            }

            var key = part[..eq].Trim();
            var val = part[(eq + 1)..].Trim();
            switch (key)
            {
                case "t" when timestamp is null && TryParseTimestamp(val, out var t):
                    timestamp = t;
                    break;
                case "t":
                    return false;
                case "v0" when candidates.Count < MaxCandidates && TryParseMac(val, out var mac):
                    candidates.Add(mac);
                    break;
                case "v0":
                    return false;
                default:
                    break;
            }
        }

        if (timestamp is null || candidates.Count == 0)
        {
            return false;
        }

        header = new SignatureHeader(timestamp.Value, candidates);
        return true;
    }

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
