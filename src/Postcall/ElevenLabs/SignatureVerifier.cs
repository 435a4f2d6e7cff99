using System.Buffers;
using System.Text;

namespace Postcall.ElevenLabs;

/// <summary>
/// Verifies ElevenLabs webhook signatures: HMAC-SHA256 keyed with each configured secret's UTF-8 bytes over
/// <c>"&lt;t&gt;." + raw body</c>. Framework-free so the service, the CLI and the tests share one implementation.
/// </summary>
public sealed class SignatureVerifier
{
    /// <summary>ElevenLabs' SDKs reject timestamps older than this; we apply it to clock skew both ways.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(30);

    private readonly byte[][] _keys;
    private readonly TimeProvider _time;

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

    public TimeSpan Tolerance { get; }

    /// <summary>
    /// How many seconds the header's timestamp lies before now (negative: in the future). Whole seconds in a
    /// <see cref="long"/>, never a <see cref="TimeSpan"/>: a header may carry any 18-digit number, far past what a
    /// <see cref="TimeSpan"/> holds.
    /// </summary>
    public long AgeSeconds(SignatureHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        return _time.GetUtcNow().ToUnixTimeSeconds() - header.Timestamp;
    }

    /// <summary>Whether the header's timestamp is within <see cref="Tolerance"/> of now, either way.</summary>
    public bool IsTimely(SignatureHeader header) => Math.Abs(AgeSeconds(header)) <= (long)Tolerance.TotalSeconds;

    /// <summary>Starts a check whose body is fed in chunks; the header is judged at once.</summary>
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

    public SignatureStatus Verify(string? headerValue, ReadOnlySpan<byte> body)
    {
        using var check = Begin(headerValue);
        check.Append(body);
        return check.Complete();
    }

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
