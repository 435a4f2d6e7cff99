using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Postcall.Conversations;

/// <summary>
/// Short-lived, per-conversation signatures for audio URLs. A browser's audio element cannot send an
/// Authorization header, yet it must fetch ranges itself to seek; the API hands it a URL that carries
/// <c>?access=&lt;expiry&gt;.&lt;hmac&gt;</c> instead of the key. The API key itself never appears in a URL. The
/// signing key comes from an <see cref="IMediaKeySource"/>: kept with the forwarding outbox (a file on one machine,
/// the shared database when instances share one), so a link survives restarts and one minted by one instance plays
/// on every other. Forwards that send audio as a link rely on both.
/// </summary>
public sealed class MediaTokens(IMediaKeySource keys, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    private byte[]? _key;

    public async Task<string> CreateAsync(string conversationId, CancellationToken cancellationToken)
    {
        var key = await KeyAsync(cancellationToken);
        var expires = (time.GetUtcNow() + Lifetime).ToUnixTimeSeconds();
        return string.Create(CultureInfo.InvariantCulture, $"{expires}.{Sign(key, conversationId, expires)}");
    }

    public async Task<bool> IsValidAsync(string conversationId, string? token, CancellationToken cancellationToken)
    {
        var dot = token?.IndexOf('.', StringComparison.Ordinal) ?? -1;
        if (dot <= 0 || !long.TryParse(token.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
            || expires < time.GetUtcNow().ToUnixTimeSeconds())
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Sign(await KeyAsync(cancellationToken), conversationId, expires));
        var presented = Encoding.ASCII.GetBytes(token![(dot + 1)..]);
        return CryptographicOperations.FixedTimeEquals(expected, presented);
    }

    /// <summary>Fetched once and kept: the key never changes while the service runs.</summary>
    private async ValueTask<byte[]> KeyAsync(CancellationToken cancellationToken) => _key ??= await keys.GetKeyAsync(cancellationToken);

    private static string Sign(byte[] key, string conversationId, long expires) => Convert.ToHexStringLower(
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{conversationId}\n{expires}"))));
}
