using System.Net;
using System.Threading.RateLimiting;

namespace Postcall.Access;

/// <summary>
/// Counts wrong or missing keys per client address; past <see cref="Attempts"/> in a <see cref="Window"/> that
/// address's wrong keys are refused (429) until the window ends. A correct key is never counted nor refused.
/// </summary>
internal sealed class FailedAttemptLimiter : IDisposable
{
    public const int Attempts = 10;

    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly PartitionedRateLimiter<IPAddress> _failures = PartitionedRateLimiter.Create<IPAddress, IPAddress>(
        address => RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Attempts,
            Window = Window,
            QueueLimit = 0,
        }));

    public bool IsLockedOut(IPAddress address) => _failures.GetStatistics(address)?.CurrentAvailablePermits == 0;

    /// <summary>Records a failed attempt; false when it was one too many.</summary>
    public bool RecordFailure(IPAddress address)
    {
        using var lease = _failures.AttemptAcquire(address);
        return lease.IsAcquired;
    }

    public void Dispose() => _failures.Dispose();
}
