namespace Postcall.Reconciling;

/// <summary>What the last check of ElevenLabs' webhooks found.</summary>
/// <param name="Check"><c>unchecked</c>, <c>ok</c>, <c>forbidden</c> (the key may not read webhooks) or <c>error</c>.</param>
/// <param name="Advice">What to do, when the post-call webhook is down or failing.</param>
internal sealed record WebhookReport(string Check, IReadOnlyList<WebhookStatus> Webhooks, DateTimeOffset? CheckedAt, string? Advice)
{
    public static WebhookReport Unchecked { get; } = new("unchecked", [], null, null);
}
