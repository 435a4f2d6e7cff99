using System.Security.Cryptography;
using System.Text;

namespace Postcall.Access;

/// <summary>
/// Checks an <c>Authorization: Bearer &lt;key&gt;</c> header against the configured keys. Keys are compared as
/// SHA-256 digests with <see cref="CryptographicOperations.FixedTimeEquals"/>, against every key without stopping
/// early, so neither a key's length nor which key matched shows in the time taken.
/// </summary>
internal sealed class ApiKeyCheck
{
    private const string Scheme = "Bearer ";

    private readonly byte[][] _digests;

    public ApiKeyCheck(IEnumerable<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        _digests = [.. keys.Select(Digest)];
    }

    public bool IsAuthorized(string? authorization)
    {
        if (authorization is null || !authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var presented = Digest(authorization[Scheme.Length..].Trim());
        var match = false;
        foreach (var digest in _digests)
        {
            match |= CryptographicOperations.FixedTimeEquals(digest, presented);
        }

        return match;
    }

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
