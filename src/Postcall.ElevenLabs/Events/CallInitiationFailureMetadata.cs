using System.Text.Json;
using System.Text.Json.Serialization;

namespace Postcall.ElevenLabs;

/// <summary>What the telephony provider said of a failed call. Fields added later are kept in <see cref="AdditionalProperties"/>.</summary>
public sealed class CallInitiationFailureMetadata
{
    /// <summary>Which provider: <c>sip</c> or <c>twilio</c> today.</summary>
    public string? Type { get; init; }

    /// <summary>The provider's own report, as it came; its fields differ by provider.</summary>
    public JsonElement? Body { get; init; }

    /// <summary>Fields this version does not model, as they came.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? AdditionalProperties { get; set; }
}
