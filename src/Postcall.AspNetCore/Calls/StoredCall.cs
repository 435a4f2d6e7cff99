using Postcall.ElevenLabs;

namespace Postcall.Calls;

/// <summary>A stored call: its summary, and its payloads read as the typed events of Postcall.ElevenLabs.</summary>
public sealed class StoredCall
{
    internal StoredCall(CallSummary summary, TranscriptionEvent? transcription, CallInitiationFailureEvent? failure, IReadOnlyList<UnknownEvent> others)
    {
        Summary = summary;
        Transcription = transcription;
        Failure = failure;
        Others = others;
    }

    /// <summary>What is known of it at a glance.</summary>
    public CallSummary Summary { get; }

    /// <summary>
    /// The <c>post_call_transcription</c>, when one is stored in ElevenLabs' envelope (one stored in the earlier
    /// service's flat shape is not read as an event: read it from the read API's raw payload).
    /// </summary>
    public TranscriptionEvent? Transcription { get; }

    /// <summary>The <c>call_initiation_failure</c>, when one is stored in ElevenLabs' envelope.</summary>
    public CallInitiationFailureEvent? Failure { get; }

    /// <summary>Webhooks of types this version does not know, stored for the call.</summary>
    public IReadOnlyList<UnknownEvent> Others { get; }
}
