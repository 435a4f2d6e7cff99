namespace Postcall.Reconciling;

/// <param name="Kind"><c>transcription</c> or <c>audio</c>; null for the list itself.</param>
internal sealed record SweepItem(string? ConversationId, string? Kind, string Reason);
