namespace Postcall.Http;

/// <summary>What the endpoint learned about a request, for its one log line. Never payload content.</summary>
internal sealed class RequestOutcome
{
    public string? WebhookType { get; set; }

    public string? ConversationId { get; set; }

    public long? BodyBytes { get; set; }

    /// <summary><c>stored</c>, <c>duplicate</c>, <c>ok</c> or an <c>error_code</c>.</summary>
    public string? Result { get; set; }
}

internal static class RequestOutcomeExtensions
{
    public static RequestOutcome Outcome(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var outcome = context.Features.Get<RequestOutcome>();
        if (outcome is null)
        {
            outcome = new RequestOutcome();
            context.Features.Set(outcome);
        }

        return outcome;
    }
}
