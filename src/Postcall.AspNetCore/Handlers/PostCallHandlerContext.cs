namespace Postcall.Handlers;

/// <summary>Which delivery, and which attempt at it, a handler is called for.</summary>
public sealed class PostCallHandlerContext
{
    internal PostCallHandlerContext(string handlerName, string conversationId, string kind, string deliveryId, int attempt, bool isReplay,
        DateTimeOffset recordedAt, bool isFetchedFromApi)
    {
        IsFetchedFromApi = isFetchedFromApi;
        RecordedAt = recordedAt;
        HandlerName = handlerName;
        ConversationId = conversationId;
        Kind = kind;
        DeliveryId = deliveryId;
        Attempt = attempt;
        IsReplay = isReplay;
    }

    /// <summary>The name the handler was registered with.</summary>
    public string HandlerName { get; }

    /// <summary>The conversation the event is about.</summary>
    public string ConversationId { get; }

    /// <summary><c>transcription</c>, <c>audio</c>, <c>failure</c>, or <c>other</c> for a type added later.</summary>
    public string Kind { get; }

    /// <summary>
    /// The same for every attempt at this delivery of this event to this handler: the key to deduplicate on, for example
    /// a unique column written in the handler's own transaction. A replay is a new delivery with a new id.
    /// </summary>
    public string DeliveryId { get; }

    /// <summary>
    /// 1 for the first attempt, then 2, 3, … as attempts fail and are retried, across restarts. An attempt cut short
    /// by a crash or a stop is not counted (nothing recorded its outcome): the next one has the same number.
    /// </summary>
    public int Attempt { get; }

    /// <summary>
    /// When the delivery was recorded for this handler: the commit that stored the call, or the replay that made it.
    /// Now less this is how far behind the handler is.
    /// </summary>
    public DateTimeOffset RecordedAt { get; }

    /// <summary>Whether someone asked for it again (a replay of the call, or of dead deliveries) rather than it arriving.</summary>
    public bool IsReplay { get; }

    /// <summary>
    /// Whether the payload was fetched from ElevenLabs' Conversations API because its webhook never arrived (a
    /// backfill), rather than delivered. A fetched transcription's <c>event_timestamp</c> is when it was fetched.
    /// </summary>
    public bool IsFetchedFromApi { get; }
}
