namespace Postcall.ElevenLabs;

// Which keys matter where, and what is recorded of their values.
internal sealed partial class PostCallBodyScanner
{
    private Field ResolveKey(string? name) => (_frames.Peek().Place, name) switch
    {
        (Place.RootObject, "type") => Field.Type,
        (Place.RootObject, "conversation_id") => Field.RootConversationId,
        (Place.RootObject, "transcript") => Field.Transcript,
        (Place.RootObject, "error_code") => Field.ErrorCode,
        (Place.RootObject, "data") => Field.Data,
        (Place.RootObject, "event_timestamp") => Field.EventTimestamp,
        (Place.DataObject, "agent_id") => Field.DataAgentId,
        (Place.DataObject, "conversation_id") => Field.DataConversationId,
        (Place.DataObject, "full_audio") => Field.FullAudio,
        _ => Field.None,
    };

    private void RecordString(Field field, StringField value)
    {
        switch (field)
        {
            case Field.Type:
                // Which of two types counts would be a guess; the receiver may also have kept only the first's body.
                Fields.TypeRepeated |= Fields.Type.Kind != FieldKind.Absent;
                Fields.Type = value;
                break;
            case Field.RootConversationId:
                Fields.FlatConversationId = value;
                break;
            case Field.DataConversationId:
                Fields.DataConversationId = value;
                break;
            case Field.DataAgentId:
                Fields.AgentId = value.Value;
                break;
            default:
                break;
        }
    }

    private void RecordPresence(Field field, bool isNull)
    {
        switch (field)
        {
            case Field.Transcript:
                Fields.HasTranscript = true;
                break;
            case Field.ErrorCode:
                Fields.HasErrorCode = true;
                break;
            case Field.FullAudio:
                // A second full_audio makes the delivery ambiguous; the first one was already decoded.
                Fields.Audio = Fields.Audio != AudioField.Absent ? AudioField.InvalidBase64
                    : isNull ? AudioField.Null
                    : AudioField.NotAString;
                break;
            case Field.Type or Field.RootConversationId or Field.DataConversationId:
                RecordString(field, StringField.Other);
                break;
            case Field.EventTimestamp:
                // A number records its value when it ends (RecordNumber); anything else is no timestamp.
                Fields.EventTimestamp = null;
                break;
            default:
                break;
        }
    }

    private void RecordNumber(Field field, long? value)
    {
        if (field == Field.EventTimestamp)
        {
            Fields.EventTimestamp = value;
        }
    }
}
