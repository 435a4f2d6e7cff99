namespace Postcall.ElevenLabs;

// The scanner's states and the few places and fields it tells apart.
internal sealed partial class PostCallBodyScanner
{
    private enum State
    {
        Value,
        ValueOrArrayEnd,
        KeyOrObjectEnd,
        Key,
        Colon,
        CommaOrEnd,
        String,
        Number,
        Literal,
        End,
    }

    private enum Step
    {
        Consumed,
        Reprocess,
        Invalid,
    }

    private enum StringRole
    {
        Key,
        Captured,
        Audio,
        Skipped,
    }

    /// <summary>Where a container sits: only the root object and its <c>data</c> object hold fields we read.</summary>
    private enum Place
    {
        RootObject,
        DataObject,
        Elsewhere,
    }

    private enum Field
    {
        None,
        Type,
        RootConversationId,
        Transcript,
        ErrorCode,
        Data,
        DataConversationId,
        FullAudio,
        EventTimestamp,
        DataAgentId,
    }

    private enum NumberPart
    {
        Sign,
        Zero,
        Integer,
        FractionStart,
        Fraction,
        ExponentStart,
        ExponentSign,
        Exponent,
    }
}
