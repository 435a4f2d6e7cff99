using System.Text.Json;

namespace Postcall.Conversations;

/// <summary>Everything stored about one conversation, read from its payload files.</summary>
internal sealed record ConversationDetail(
    ConversationSummary Conversation,
    CallAnalysis? Analysis,
    IReadOnlyList<TranscriptTurn> Transcript,
    JsonElement? Metadata,
    FailureDetails? Failure,
    ConversationLinks Links);

/// <summary>ElevenLabs' analysis: the outcome, summary, each evaluation criterion and each collected data point.</summary>
internal sealed record CallAnalysis(
    string? CallSuccessful,
    string? Summary,
    IReadOnlyList<EvaluationResult> EvaluationCriteria,
    IReadOnlyList<CollectedData> DataCollection);

internal sealed record EvaluationResult(string Id, string? Result, string? Rationale);

internal sealed record CollectedData(string Id, JsonElement? Value, string? Rationale);

/// <summary>One transcript turn. Tool calls and results are passed through as ElevenLabs sent them.</summary>
internal sealed record TranscriptTurn(string Role, string? Message, double? TimeInCallSecs, JsonElement? ToolCalls, JsonElement? ToolResults);

/// <summary>Why a call never started; <see cref="Details"/> is the telephony provider's own report (SIP or Twilio).</summary>
internal sealed record FailureDetails(string? Reason, string? Provider, string? Message, JsonElement? Details);

/// <summary>
/// Where to fetch the stored payloads; the audio link carries a short-lived access token for media players.
/// <see cref="Other"/> has a raw link per event type this version does not know, by event type.
/// </summary>
internal sealed record ConversationLinks(string Self, string? Audio, string? Transcription, string? Failure, IReadOnlyDictionary<string, string> Other);
