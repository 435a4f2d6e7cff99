using System.Buffers;
using System.Text;

namespace Postcall.ElevenLabs;

/// <summary>
/// Verifies ElevenLabs webhook signatures: HMAC-SHA256 keyed with each configured secret's UTF-8 bytes over
/// <c>"&lt;t&gt;." + raw body</c>. Framework-free: no ASP.NET Core, so any host (or none) can use it.
/// </summary>
public sealed class SignatureVerifier
{
    /// <summary>ElevenLabs' SDKs reject timestamps older than this; we apply it to clock skew both ways.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(30);

    private readonly byte[][] _keys;
    private readonly TimeProvider _time;

    /// <param name="secrets">The webhook secrets, each used as-is; a body signed with any one of them is valid (rotation).</param>
    /// <param name="time">Now, for the timestamp's tolerance.</param>
    /// <param name="tolerance">How far from now a timestamp may lie, either way; <see cref="DefaultTolerance"/> when null.</param>
    public SignatureVerifier(IEnumerable<string> secrets, TimeProvider time, TimeSpan? tolerance = null)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        _keys = [.. secrets.Select(Encoding.UTF8.GetBytes)];
        if (_keys.Length == 0)
        {
            throw new ArgumentException("At least one secret is required.", nameof(secrets));
        }

        _time = time;
        Tolerance = tolerance ?? DefaultTolerance;
    }

    /// <summary>How far from now a header's timestamp may lie, either way.</summary>
    public TimeSpan Tolerance { get; }

    /// <summary>
    /// How many seconds the header's timestamp lies before now (negative: in the future). Whole seconds in a
    /// <see cref="long"/>, never a <see cref="TimeSpan"/>: a header may carry any 18-digit number, far past what a
    /// <see cref="TimeSpan"/> holds.
    /// </summary>
    /// <param name="header">A parsed header.</param>
    public long AgeSeconds(SignatureHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        return _time.GetUtcNow().ToUnixTimeSeconds() - header.Timestamp;
    }

    /// <summary>Whether the header's timestamp is within <see cref="Tolerance"/> of now, either way.</summary>
    /// <param name="header">A parsed header.</param>
    public bool IsTimely(SignatureHeader header) => Math.Abs(AgeSeconds(header)) <= (long)Tolerance.TotalSeconds;

    /// <summary>Starts a check whose body is fed in chunks; the header is judged at once.</summary>
    /// <param name="headerValue">The <c>ElevenLabs-Signature</c> header, or null when there was none.</param>
    public SignatureCheck Begin(string? headerValue)
    {
        if (string.IsNullOrWhiteSpace(headerValue))
        {
            return new SignatureCheck(SignatureStatus.Missing);
        }

        if (!SignatureHeader.TryParse(headerValue, out var header))
        {
            return new SignatureCheck(SignatureStatus.Malformed);
        }

        return IsTimely(header!)
            ? new SignatureCheck(header!, _keys)
            : new SignatureCheck(SignatureStatus.TimestampOutOfTolerance);
    }

    /// <summary>Checks a header value against a body held in memory.</summary>
    /// <param name="headerValue">The <c>ElevenLabs-Signature</c> header, or null when there was none.</param>
    /// <param name="body">The raw body, byte for byte as received.</param>
    public SignatureStatus Verify(string? headerValue, ReadOnlySpan<byte> body)
    {
        using var check = Begin(headerValue);
        check.Append(body);
        return check.Complete();
    }

    /// <summary>Checks a header value against a body read from <paramref name="body"/> to its end; nothing is read when the header alone fails.</summary>
    /// <param name="headerValue">The <c>ElevenLabs-Signature</c> header, or null when there was none.</param>
    /// <param name="body">The raw body, read from where it stands to its end, a piece at a time.</param>
    /// <param name="cancellationToken">Stops reading.</param>
    public async Task<SignatureStatus> VerifyAsync(string? headerValue, Stream body, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(body);
        using var check = Begin(headerValue);
        if (check.EarlyFailure is { } failure)
        {
            return failure;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                check.Append(buffer.AsSpan(0, read));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return check.Complete();
    }
}
