namespace Postcall.Reconciling;

/// <summary>A webhook as <c>GET /v1/workspace/webhooks</c> lists it: what the health check needs, the rest ignored.</summary>
internal sealed record ListedWebhook(string WebhookId, string? Name, bool IsDisabled, bool IsAutoDisabled, int? LastFailureStatus, long? LastFailureUnix,
    IReadOnlyList<string> Usages);
