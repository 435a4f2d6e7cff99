using Postcall.Storage;

namespace Postcall.Reconciling;

/// <summary>One conversation as the API lists it: only what a reconcile needs, the rest of the summary ignored.</summary>
/// <param name="Status"><c>initiated</c>, <c>in-progress</c>, <c>processing</c>, <c>done</c>, <c>failed</c>, or a newer one.</param>
internal sealed record ListedConversation(ConversationId Id, string? AgentId, long StartTimeUnixSecs, long CallDurationSecs, string? Status)
{
    /// <summary>Nothing more will happen to it: its webhooks have been sent, or never will be.</summary>
    public bool IsFinal => Status is "done" or "failed";

    /// <summary>When the call ended, in Unix seconds: its start plus its duration.</summary>
    public long EndedAtUnixSecs => StartTimeUnixSecs + CallDurationSecs;
}
