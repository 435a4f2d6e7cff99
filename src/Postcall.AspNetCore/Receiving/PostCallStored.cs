using System.Text.Json.Serialization;

namespace Postcall.Receiving;

/// <summary>The <c>data</c> of a stored delivery's 200 answer.</summary>
/// <param name="EventType">For <c>webhook_type</c> <c>other</c>: the event type ElevenLabs sent.</param>
internal sealed record PostCallStored(
    string FilePath,
    string WebhookType,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? FileSize,
    bool Duplicate,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? EventType = null);
