using System.Text.Json.Serialization;

namespace Postcall.ElevenLabs;

/// <summary>The <c>data</c> of a stored delivery's 200 answer.</summary>
public sealed record PostCallStored(
    string FilePath,
    string WebhookType,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? FileSize,
    bool Duplicate);
