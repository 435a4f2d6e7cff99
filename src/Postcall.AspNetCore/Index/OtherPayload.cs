namespace Postcall.Index;

/// <summary>A payload of an event type this version does not know, kept as <c>&lt;cid&gt;_&lt;type&gt;.json</c>.</summary>
internal sealed record OtherPayload(string EventType, long Bytes);
