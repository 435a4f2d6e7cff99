namespace Postcall.Reconciling;

/// <param name="Skipped">Listed items that were not usable (no id, an id that is not a valid conversation id).</param>
/// <param name="NextCursor">Pass it for the next page; null when <paramref name="HasMore"/> is false.</param>
internal sealed record ConversationListPage(IReadOnlyList<ListedConversation> Conversations, int Skipped, string? NextCursor, bool HasMore);
