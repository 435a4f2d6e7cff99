using Postcall.ElevenLabs;

namespace Postcall.Receiving;

/// <summary>The <c>error_code</c> each refused signature is answered with, as the earlier service answered it.</summary>
internal static class SignatureErrorCodes
{
    public static string ToErrorCode(this SignatureStatus status) => status switch
    {
        SignatureStatus.Missing => "signature_missing",
        SignatureStatus.Malformed => "signature_malformed",
        SignatureStatus.TimestampOutOfTolerance => "timestamp_out_of_tolerance",
        SignatureStatus.Mismatch => "signature_mismatch",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "A valid signature has no error code."),
    };
}
