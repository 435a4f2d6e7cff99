namespace Postcall.Receiving;

/// <summary>Either a payload ready to commit or the reason there is none.</summary>
internal readonly record struct ReadOutcome(PreparedPayload? Payload, Rejection? Rejection)
{
    public static implicit operator ReadOutcome(Rejection rejection) => new(null, rejection);

    public static implicit operator ReadOutcome(PreparedPayload payload) => new(payload, null);
}
