namespace Postcall.ElevenLabs;

/// <summary>
/// A post-call webhook from ElevenLabs: <see cref="TranscriptionEvent"/>, <see cref="AudioEvent"/>,
/// <see cref="CallInitiationFailureEvent"/>, or <see cref="UnknownEvent"/> for a type added after this version.
/// </summary>
public abstract class PostCallEvent
{
    private protected PostCallEvent(string type, string conversationId, string? agentId, long? eventTimestamp)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        ArgumentException.ThrowIfNullOrEmpty(conversationId);
        Type = type;
        ConversationId = conversationId;
        AgentId = agentId;
        EventTimestamp = eventTimestamp;
    }

    /// <summary>The webhook's <c>type</c>, such as <c>post_call_transcription</c>.</summary>
    public string Type { get; }

    /// <summary>The conversation it is about.</summary>
    public string ConversationId { get; }

    /// <summary>The agent of the call; null only for a type this version does not know that names none.</summary>
    public string? AgentId { get; }

    /// <summary>When ElevenLabs sent it, in Unix seconds (<c>event_timestamp</c>), when it said.</summary>
    public long? EventTimestamp { get; }

    /// <summary>When ElevenLabs sent it, when it said.</summary>
    public DateTimeOffset? EventTime => EventTimestamp is { } s && s is >= 0 and <= 253402300799 ? DateTimeOffset.FromUnixTimeSeconds(s) : null;
}
