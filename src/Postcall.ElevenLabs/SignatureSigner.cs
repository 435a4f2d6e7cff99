using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Postcall.ElevenLabs;

/// <summary>Produces <c>elevenlabs-signature</c> header values exactly as ElevenLabs does.</summary>
public static class SignatureSigner
{
    /// <summary>The header value for <paramref name="body"/>: <c>t=&lt;timestamp&gt;,v0=&lt;hex HMAC-SHA256&gt;</c>.</summary>
    /// <param name="secret">The webhook secret, used as-is (its UTF-8 bytes are the HMAC key).</param>
    /// <param name="timestamp">The <c>t</c> of the header, in Unix seconds.</param>
    /// <param name="body">The raw body, byte for byte as it will be sent.</param>
    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        using var mac = Start(secret, timestamp);
        mac.AppendData(body);
        return Finish(timestamp, mac);
    }

    /// <summary>The header value for a body read from <paramref name="body"/> to its end, a piece at a time.</summary>
    /// <param name="secret">The webhook secret, used as-is (its UTF-8 bytes are the HMAC key).</param>
    /// <param name="timestamp">The <c>t</c> of the header, in Unix seconds.</param>
    /// <param name="body">The raw body, read from where it stands to its end.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    public static async Task<string> SignAsync(string secret, long timestamp, Stream body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        using var mac = Start(secret, timestamp);
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            mac.AppendData(buffer, 0, read);
        }

        return Finish(timestamp, mac);
    }

    internal static IncrementalHash Start(string secret, long timestamp)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var mac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret));
        mac.AppendData(Encoding.ASCII.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + "."));
        return mac;
    }

    internal static string Finish(long timestamp, IncrementalHash mac) =>
        string.Create(CultureInfo.InvariantCulture, $"t={timestamp},v0={Convert.ToHexStringLower(mac.GetHashAndReset())}");
}
