using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Postcall.Conversations;

/// <summary>
/// Short-lived, per-conversation signatures for audio URLs. A browser's audio element cannot send an
/// Authorization header, yet it must fetch ranges itself to seek; the API hands it a URL that carries
/// <c>?access=&lt;expiry&gt;.&lt;hmac&gt;</c> instead of the key. The signing key lives in memory only, so every
/// token dies with the process, and the API key itself never appears in a URL.
/// </summary>
public sealed class MediaTokens(TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    public string Create(string conversationId)
    {
        var expires = (time.GetUtcNow() + Lifetime).ToUnixTimeSeconds();
        return string.Create(CultureInfo.InvariantCulture, $"{expires}.{Sign(conversationId, expires)}");
    }

    public bool IsValid(string conversationId, string? token)
    {
        var dot = token?.IndexOf('.', StringComparison.Ordinal) ?? -1;
        if (dot <= 0 || !long.TryParse(token.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
            || expires < time.GetUtcNow().ToUnixTimeSeconds())
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Sign(conversationId, expires));
        var presented = Encoding.ASCII.GetBytes(token![(dot + 1)..]);
        return CryptographicOperations.FixedTimeEquals(expected, presented);
    }

    private string Sign(string conversationId, long expires) => Convert.ToHexStringLower(
        HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{conversationId}\n{expires}"))));
}
