using Postcall.Storage;

namespace Postcall.ElevenLabs;

/// <summary>A verified, classified delivery whose payload bytes wait in a temp file to be committed.</summary>
public sealed record PreparedPayload(PayloadKind Kind, ConversationId Id, TempPayload File);

/// <summary>Either a payload ready to commit or the reason there is none.</summary>
public readonly record struct ReadOutcome(PreparedPayload? Payload, Rejection? Rejection)
{
    public static implicit operator ReadOutcome(Rejection rejection) => new(null, rejection);

    public static implicit operator ReadOutcome(PreparedPayload payload) => new(payload, null);
}
