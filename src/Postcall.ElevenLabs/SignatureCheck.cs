using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Postcall.ElevenLabs;

/// <summary>
/// One signature check in progress: fed the body as it streams past, then completed.
/// A check whose header already failed (missing, malformed, stale) ignores the body.
/// </summary>
public sealed class SignatureCheck : IDisposable
{
    private readonly SignatureHeader? _header;
    private readonly IncrementalHash[] _macs;

    internal SignatureCheck(SignatureStatus earlyFailure)
    {
        EarlyFailure = earlyFailure;
        _macs = [];
    }

    internal SignatureCheck(SignatureHeader header, IReadOnlyList<byte[]> keys)
    {
        _header = header;
        _macs = new IncrementalHash[keys.Count];
        var prefix = Encoding.ASCII.GetBytes(header.Timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        for (var i = 0; i < keys.Count; i++)
        {
            _macs[i] = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, keys[i]);
            _macs[i].AppendData(prefix);
        }
    }

    /// <summary>Set when the header alone decides the outcome, before any body byte is read.</summary>
    public SignatureStatus? EarlyFailure { get; }

    /// <summary>Feeds the next piece of the raw body, exactly as received.</summary>
    public void Append(ReadOnlySpan<byte> bodyChunk)
    {
        foreach (var mac in _macs)
        {
            mac.AppendData(bodyChunk);
        }
    }

    /// <summary>The outcome, once the whole body has been appended. Every secret is compared with every signature in constant time.</summary>
    public SignatureStatus Complete()
    {
        if (EarlyFailure is { } failure)
        {
            return failure;
        }

        // Every secret is compared against every candidate, without stopping at the first match,
        // so the time taken says nothing about which (if any) matched.
        var matched = false;
        Span<byte> computed = stackalloc byte[32];
        foreach (var mac in _macs)
        {
            mac.GetHashAndReset(computed);
            foreach (var candidate in _header!.Candidates)
            {
                matched |= CryptographicOperations.FixedTimeEquals(computed, candidate);
            }
        }

        return matched ? SignatureStatus.Valid : SignatureStatus.Mismatch;
    }

    /// <summary>Releases the HMAC state.</summary>
    public void Dispose()
    {
        foreach (var mac in _macs)
        {
            mac.Dispose();
        }
    }
}
