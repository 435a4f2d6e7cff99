using System.Text.Json;
using System.Text.Json.Serialization;

namespace Postcall.ElevenLabs;

/// <summary>A conversation's <c>metadata</c>. Fields added later are kept in <see cref="AdditionalProperties"/>.</summary>
public sealed class ConversationMetadata
{
    /// <summary>When the call started, in Unix seconds.</summary>
    public long? StartTimeUnixSecs { get; init; }

    /// <summary>How long the call lasted, in seconds.</summary>
    public double? CallDurationSecs { get; init; }

    /// <summary>What the call cost, in ElevenLabs' units.</summary>
    public double? Cost { get; init; }

    /// <summary>Why the call ended, in ElevenLabs' words; empty or null when it did not say.</summary>
    public string? TerminationReason { get; init; }

    /// <summary>When the call started, when <see cref="StartTimeUnixSecs"/> is given.</summary>
    [JsonIgnore]
    public DateTimeOffset? StartTime => StartTimeUnixSecs is { } s ? DateTimeOffset.FromUnixTimeSeconds(s) : null;

    /// <summary>Fields this version does not model, as they came.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? AdditionalProperties { get; set; }
}
