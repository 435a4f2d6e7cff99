namespace Postcall.Storage;

/// <summary>A conversation and its payloads, as listed by <see cref="IPayloadStore.ConversationsAsync"/>.</summary>
internal sealed record StoredConversation(ConversationId Id, IReadOnlyList<PayloadObject> Payloads);
