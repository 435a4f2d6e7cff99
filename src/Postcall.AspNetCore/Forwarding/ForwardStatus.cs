namespace Postcall.Forwarding;

internal enum ForwardStatus
{
    /// <summary>Waiting for its next attempt (or for its paused destination).</summary>
    Pending,

    /// <summary>A 2xx answer was received.</summary>
    Delivered,

    /// <summary>Every attempt of the schedule failed, or the receiver said 410 Gone; kept for replay.</summary>
    Dead,
}
