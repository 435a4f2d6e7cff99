namespace Postcall.Reconciling;

/// <summary>
/// The Conversations API did not give what was asked. <see cref="Exception.Message"/> says why in words safe to log:
/// the status and ElevenLabs' error code, never the key, a body or a header.
/// </summary>
internal sealed class ElevenLabsApiException(ApiFailure failure, string message, int? statusCode = null, Exception? innerException = null)
    : Exception(message, innerException)
{
    public ApiFailure Failure { get; } = failure;

    public int? StatusCode { get; } = statusCode;
}
