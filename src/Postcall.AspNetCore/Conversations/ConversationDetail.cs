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
