using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Postcall.Access;

/// <summary>
/// Short-lived, per-conversation signatures for audio URLs. A browser's audio element cannot send an
/// Authorization header, yet it must fetch ranges itself to seek; the API hands it a URL that carries
/// <c>?access=&lt;expiry&gt;.&lt;hmac&gt;</c> instead of the key. The API key itself never appears in a URL. The
/// signing key comes from an <see cref="IMediaKeySource"/>: kept with the forwarding outbox (a file on one machine,
/// the shared database when instances share one), so a link survives restarts and one minted by one instance plays
/// on every other. Forwards that send audio as a link rely on both.
/// </summary>
internal sealed class MediaTokens(IMediaKeySource keys, TimeProvider time)
{
    /// <summary>How long a link the service mints is valid: the longest any link may be.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    /// <summary>How far the clocks of instances that share the key may differ.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    private IReadOnlyList<byte[]>? _keys;

    public async Task<string> CreateAsync(string conversationId, CancellationToken cancellationToken)
    {
        var key = (await KeysAsync(cancellationToken))[0];
        var expires = (time.GetUtcNow() + Lifetime).ToUnixTimeSeconds();
        return string.Create(CultureInfo.InvariantCulture, $"{expires}.{Sign(key, conversationId, expires)}");
    }

    /// <summary>
    /// Whether <paramref name="token"/> is a link for this conversation that one of the keys signed and that is valid
    /// now: not expired, and not valid for longer than the service ever mints (plus <see cref="ClockSkew"/>), so whoever
    /// obtains a key cannot make links that outlive its rotation.
    /// </summary>
    public async Task<bool> IsValidAsync(string conversationId, string? token, CancellationToken cancellationToken)
    {
        var dot = token?.IndexOf('.', StringComparison.Ordinal) ?? -1;
        var now = time.GetUtcNow();
        if (dot <= 0 || !long.TryParse(token.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
            || expires < now.ToUnixTimeSeconds() || expires > (now + Lifetime + ClockSkew).ToUnixTimeSeconds())
        {
            return false;
        }

        var presented = Encoding.ASCII.GetBytes(token![(dot + 1)..]);
        var valid = false;
        foreach (var key in await KeysAsync(cancellationToken))
        {
            valid |= CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(key, conversationId, expires)), presented);
        }

        return valid;
    }

    /// <summary>Fetched once and kept: the keys change only with a restart (<c>POSTCALL_MEDIA_KEY</c>).</summary>
    private async ValueTask<IReadOnlyList<byte[]>> KeysAsync(CancellationToken cancellationToken) => _keys ??= await keys.GetKeysAsync(cancellationToken);

    private static string Sign(byte[] key, string conversationId, long expires) => Convert.ToHexStringLower(
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{conversationId}\n{expires}"))));
}
