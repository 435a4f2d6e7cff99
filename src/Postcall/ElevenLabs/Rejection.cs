namespace Postcall.ElevenLabs;

/// <summary>Why a delivery was refused: the HTTP status, the stable <c>error_code</c>, and a message for people.</summary>
public sealed record Rejection(int StatusCode, string ErrorCode, string Message)
{
    public static Rejection BadRequest(string errorCode, string message) => new(StatusCodes.Status400BadRequest, errorCode, message);
}
