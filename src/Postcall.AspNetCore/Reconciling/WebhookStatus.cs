namespace Postcall.Reconciling;

/// <summary>One of the workspace's webhooks as ElevenLabs reports it.</summary>
/// <param name="IsPostCall">The one ElevenLabs' agent settings name for post-call events.</param>
/// <param name="State"><c>healthy</c>, <c>failing</c> (a failure newer than the last delivery Postcall accepted), <c>disabled</c> or <c>auto_disabled</c>.</param>
internal sealed record WebhookStatus(string WebhookId, string? Name, bool IsPostCall, string State, int? LastFailureStatus, DateTimeOffset? LastFailureAt)
{
    public const string Healthy = "healthy";
    public const string Failing = "failing";
    public const string Disabled = "disabled";
    public const string AutoDisabled = "auto_disabled";

    public bool IsDown => State is Disabled or AutoDisabled;
}
