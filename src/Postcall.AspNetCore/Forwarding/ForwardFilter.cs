using Postcall.Storage;

namespace Postcall.Forwarding;

/// <summary>Which forwards to list, newest first.</summary>
internal sealed record ForwardFilter(ForwardStatus? Status = null, string? DestinationId = null, ConversationId? ConversationId = null, int Limit = 100);
