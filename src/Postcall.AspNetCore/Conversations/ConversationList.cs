namespace Postcall.Conversations;

/// <summary>A page of conversations, newest first; pass <see cref="NextCursor"/> as <c>cursor</c> for the next.</summary>
internal sealed record ConversationList(IReadOnlyList<ConversationSummary> Conversations, string? NextCursor);
