namespace Postcall.Reconciling;

/// <summary>One page of <c>GET /v1/convai/conversations</c>, newest first.</summary>
/// <param name="StartedBefore"><c>call_start_before_unix</c>: fixed for a whole walk, since the cursor walks a newest-first list.</param>
/// <param name="StartedAfter"><c>call_start_after_unix</c>.</param>
internal sealed record ConversationListRequest(string? Cursor, string? AgentId, long? StartedBefore, long? StartedAfter, int PageSize = 100);
