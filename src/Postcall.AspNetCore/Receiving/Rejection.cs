namespace Postcall.Receiving;

/// <summary>
/// Why a delivery was refused: the HTTP status, the stable <c>error_code</c>, a message for people, and for a refusal
/// that passes, when to try again (<c>Retry-After</c>).
/// </summary>
internal sealed record Rejection(int StatusCode, string ErrorCode, string Message, TimeSpan? RetryAfter = null)
{
    public static Rejection BadRequest(string errorCode, string message) => new(StatusCodes.Status400BadRequest, errorCode, message);
}
