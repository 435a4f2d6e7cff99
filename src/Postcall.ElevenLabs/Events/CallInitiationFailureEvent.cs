namespace Postcall.ElevenLabs;

/// <summary>A <c>call_initiation_failure</c> webhook: a call that never connected.</summary>
public sealed class CallInitiationFailureEvent : PostCallEvent
{
    /// <summary>The webhook's type.</summary>
    public const string WireType = "call_initiation_failure";

    /// <summary>Makes the event of a failed call.</summary>
    /// <param name="data">The failure.</param>
    /// <param name="eventTimestamp">When ElevenLabs sent it, in Unix seconds.</param>
    public CallInitiationFailureEvent(CallInitiationFailure data, long? eventTimestamp)
        : base(WireType, data?.ConversationId!, data?.AgentId, eventTimestamp)
    {
        Data = data!;
    }

    /// <summary>The failure.</summary>
    public CallInitiationFailure Data { get; }
}
