namespace Postcall.Index;

/// <summary>One page of results; <see cref="Next"/> is null on the last page.</summary>
internal sealed record ConversationPage(IReadOnlyList<IndexedConversation> Items, PageCursor? Next);
