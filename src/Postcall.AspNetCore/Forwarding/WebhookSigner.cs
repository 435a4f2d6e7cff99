using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Postcall.Forwarding;

/// <summary>
/// Standard Webhooks signatures (standardwebhooks.com): <c>v1,</c> + base64 HMAC-SHA256 over
/// <c>&lt;webhook-id&gt;.&lt;webhook-timestamp&gt;.&lt;body&gt;</c>, keyed with the base64-decoded part of a
/// <c>whsec_</c> secret. The body is fed in pieces, so a recording is never held whole to be signed.
/// </summary>
internal sealed class WebhookSigner : IDisposable
{
    public const string SecretPrefix = "whsec_";
    public const int SecretBytes = 32;

    private readonly IncrementalHash _hmac;

    public WebhookSigner(string secret, string webhookId, long timestamp)
    {
        _hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, KeyOf(secret));
        _hmac.AppendData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{webhookId}.{timestamp}.")));
    }

    public void Append(ReadOnlySpan<byte> body) => _hmac.AppendData(body);

    /// <summary>The <c>webhook-signature</c> header value.</summary>
    public string Finish() => "v1," + Convert.ToBase64String(_hmac.GetHashAndReset());

    public static string Sign(string secret, string webhookId, long timestamp, ReadOnlySpan<byte> body)
    {
        using var signer = new WebhookSigner(secret, webhookId, timestamp);
        signer.Append(body);
        return signer.Finish();
    }

    /// <summary>A new secret: <c>whsec_</c> + 32 random bytes in base64.</summary>
    public static string NewSecret() => SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(SecretBytes));

    /// <summary>Whether <paramref name="secret"/> is <c>whsec_</c> + base64 of 24 to 64 bytes, as the spec asks.</summary>
    public static bool IsValidSecret(string? secret)
    {
        if (secret is null || !secret.StartsWith(SecretPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var buffer = new byte[secret.Length];
        return Convert.TryFromBase64String(secret[SecretPrefix.Length..], buffer, out var written) && written is >= 24 and <= 64;
    }

    /// <summary>Every secret reaching here passed <see cref="IsValidSecret"/> or came from <see cref="NewSecret"/>.</summary>
    private static byte[] KeyOf(string secret) => Convert.FromBase64String(secret[SecretPrefix.Length..]);

    public void Dispose() => _hmac.Dispose();
}
