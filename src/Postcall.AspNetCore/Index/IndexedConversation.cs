namespace Postcall.Index;

/// <summary>An index row, with a snippet of the matching transcript text when the query searched text.</summary>
internal sealed record IndexedConversation(ConversationFacts Facts, string? Snippet);
