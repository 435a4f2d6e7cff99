namespace Postcall.Reconciling;

/// <summary>The recent sweeps, newest first, and what the last of them found of ElevenLabs' webhooks.</summary>
internal sealed record SweepList(IReadOnlyList<SweepView> Sweeps, WebhookReport Webhooks);
