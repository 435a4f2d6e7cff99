using System.Text.Json;
using System.Text.Json.Serialization;

namespace Postcall.ElevenLabs;

/// <summary>A conversation's <c>analysis</c>. Fields added later are kept in <see cref="AdditionalProperties"/>.</summary>
public sealed class ConversationAnalysis
{
    /// <summary>Whether the call reached its goal, by the analysis.</summary>
    public CallSuccess? CallSuccessful { get; init; }

    /// <summary>A summary of the call.</summary>
    public string? TranscriptSummary { get; init; }

    /// <summary>A short title for the call.</summary>
    public string? CallSummaryTitle { get; init; }

    /// <summary>Each evaluation criterion's result, by the criterion's id, as it came.</summary>
    public IReadOnlyDictionary<string, JsonElement>? EvaluationCriteriaResults { get; init; }

    /// <summary>Each collected data item, by its id, as it came.</summary>
    public IReadOnlyDictionary<string, JsonElement>? DataCollectionResults { get; init; }

    /// <summary>Fields this version does not model, as they came.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? AdditionalProperties { get; set; }
}
