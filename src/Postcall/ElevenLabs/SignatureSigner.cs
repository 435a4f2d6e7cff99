using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Postcall.ElevenLabs;

/// <summary>Produces <c>elevenlabs-signature</c> header values exactly as ElevenLabs does.</summary>
public static class SignatureSigner
{
    public static string Sign(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        using var mac = Start(secret, timestamp);
        mac.AppendData(body);
        return Finish(timestamp, mac);
    }

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
