using System.Text.Json;
using System.Text.Json.Serialization;

namespace Postcall.ElevenLabs;

/// <summary>One turn of a transcript. Fields added later are kept in <see cref="AdditionalProperties"/>.</summary>
public sealed class TranscriptTurn
{
    /// <summary>Who spoke.</summary>
    public TranscriptRole? Role { get; init; }

    /// <summary>What was said; null for a turn that only called a tool.</summary>
    public string? Message { get; init; }

    /// <summary>Seconds from the start of the call.</summary>
    public double? TimeInCallSecs { get; init; }

    /// <summary>Whether the turn was cut off by the other side.</summary>
    public bool? Interrupted { get; init; }

    /// <summary>The tools the agent called in this turn, as they came.</summary>
    public IReadOnlyList<JsonElement>? ToolCalls { get; init; }

    /// <summary>What those tools answered, as it came.</summary>
    public IReadOnlyList<JsonElement>? ToolResults { get; init; }

    /// <summary>Fields this version does not model, as they came.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? AdditionalProperties { get; set; }
}
