namespace Postcall.ElevenLabs;

/// <summary>What a delivery's JSON held of the fields that decide where it goes.</summary>
internal sealed class PostCallFields
{
    /// <summary>Top-level <c>type</c>: absent, a string, or something else.</summary>
    public StringField Type { get; internal set; }

    /// <summary>The top level has more than one <c>type</c>: the delivery is refused rather than guessed at.</summary>
    public bool TypeRepeated { get; internal set; }

    /// <summary><c>data.conversation_id</c> of ElevenLabs' envelope.</summary>
    public StringField DataConversationId { get; internal set; }

    /// <summary>Top-level <c>conversation_id</c> of the older flat form.</summary>
    public StringField FlatConversationId { get; internal set; }

    /// <summary><c>data.agent_id</c>, when it is a string short enough to be one.</summary>
    public string? AgentId { get; internal set; }

    /// <summary>Top-level <c>event_timestamp</c>, when it is a whole number of seconds.</summary>
    public long? EventTimestamp { get; internal set; }

    public bool HasTranscript { get; internal set; }

    public bool HasErrorCode { get; internal set; }

    public bool RootIsObject { get; internal set; }

    public AudioField Audio { get; internal set; }
}
