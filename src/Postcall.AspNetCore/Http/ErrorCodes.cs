namespace Postcall.Http;

/// <summary>The <c>error_code</c> values clients may branch on. Stable: renaming one breaks integrations.</summary>
internal static class ErrorCodes
{
    public const string HmacKeyNotConfigured = "hmac_key_not_configured";
    public const string InvalidJson = "invalid_json";
    public const string InvalidPayload = "invalid_payload";
    public const string MissingEventType = "missing_event_type";
    public const string UnknownWebhookType = "unknown_webhook_type";
    public const string MissingConversationId = "missing_conversation_id";
    public const string InvalidConversationId = "invalid_conversation_id";
    public const string MissingAudio = "missing_audio";
    public const string InvalidAudio = "invalid_audio";
    public const string InvalidMultipart = "invalid_multipart";
    public const string UnsupportedMediaType = "unsupported_media_type";
    public const string PayloadTooLarge = "payload_too_large";
    public const string StorageUnavailable = "storage_unavailable";
    public const string TooManyDeliveries = "too_many_deliveries";
    public const string ServerBusy = "server_busy";
    public const string ApiKeyMissing = "api_key_missing";
    public const string ApiKeyInvalid = "api_key_invalid";
    public const string TooManyAttempts = "too_many_attempts";
    public const string InvalidQuery = "invalid_query";
    public const string ConversationNotFound = "conversation_not_found";
    public const string IndexUnavailable = "index_unavailable";
    public const string AdminKeyRequired = "admin_key_required";
    public const string InvalidDestination = "invalid_destination";
    public const string DestinationNotPublic = "destination_not_public";
    public const string DestinationNotFound = "destination_not_found";
    public const string DestinationFromEnvironment = "destination_from_environment";
    public const string DestinationIsHandler = "destination_is_handler";
    public const string ForwardNotFound = "forward_not_found";
    public const string OutboxUnavailable = "outbox_unavailable";
    public const string InvalidReconcile = "invalid_reconcile";
    public const string InvalidReplay = "invalid_replay";
    public const string ReplayNotFound = "replay_not_found";
    public const string ReconcileOff = "reconcile_off";
    public const string SweepNotFound = "sweep_not_found";
    public const string BadRequest = "bad_request";
    public const string NotFound = "not_found";
    public const string MethodNotAllowed = "method_not_allowed";
    public const string RequestTimeout = "request_timeout";
    public const string InternalError = "internal_error";

    /// <summary>The code and message for a status the framework produced without a body of ours.</summary>
    public static (string Code, string Message) ForStatus(int status) => status switch
    {
        StatusCodes.Status400BadRequest => (BadRequest, "The request could not be read."),
        StatusCodes.Status404NotFound => (NotFound, "Not found."),
        StatusCodes.Status405MethodNotAllowed => (MethodNotAllowed, "Method not allowed for this path."),
        StatusCodes.Status408RequestTimeout => (RequestTimeout, "The request body arrived too slowly."),
        StatusCodes.Status413PayloadTooLarge => (PayloadTooLarge, "The request body is larger than this service accepts."),
        StatusCodes.Status415UnsupportedMediaType => (UnsupportedMediaType, "Unsupported content type."),
        >= 500 => (InternalError, "Internal server error."),
        _ => ($"http_{status}", "The request failed."),
    };
}
