namespace Postcall.ElevenLabs;

/// <summary>A <c>post_call_transcription</c> webhook: the conversation, its transcript and its analysis.</summary>
public sealed class TranscriptionEvent : PostCallEvent
{
    /// <summary>The webhook's type.</summary>
    public const string WireType = "post_call_transcription";

    /// <summary>Makes the event of a conversation.</summary>
    /// <param name="data">The conversation.</param>
    /// <param name="eventTimestamp">When ElevenLabs sent it, in Unix seconds.</param>
    public TranscriptionEvent(Conversation data, long? eventTimestamp)
        : base(WireType, data?.ConversationId!, data?.AgentId, eventTimestamp)
    {
        Data = data!;
    }

    /// <summary>The conversation.</summary>
    public Conversation Data { get; }
}
