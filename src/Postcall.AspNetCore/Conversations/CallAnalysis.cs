namespace Postcall.Conversations;

/// <summary>ElevenLabs' analysis: the outcome, summary, each evaluation criterion and each collected data point.</summary>
internal sealed record CallAnalysis(
    string? CallSuccessful,
    string? Summary,
    IReadOnlyList<EvaluationResult> EvaluationCriteria,
    IReadOnlyList<CollectedData> DataCollection);
