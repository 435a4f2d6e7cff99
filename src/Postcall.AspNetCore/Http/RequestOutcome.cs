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
