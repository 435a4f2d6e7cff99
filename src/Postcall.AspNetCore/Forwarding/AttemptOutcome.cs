namespace Postcall.Forwarding;

/// <summary>An attempt, and whether the forward may be tried again (and not before when).</summary>
internal sealed record AttemptOutcome(ForwardAttempt Attempt, bool MayRetry, TimeSpan? NotBefore)
{
    public static AttemptOutcome Final(ForwardAttempt attempt) => new(attempt, false, null);

    public static AttemptOutcome Retry(ForwardAttempt attempt, TimeSpan? notBefore) => new(attempt, true, notBefore);
}
