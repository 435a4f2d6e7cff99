namespace Postcall.ElevenLabs;

/// <summary>The outcome of checking an <c>elevenlabs-signature</c> header against a body.</summary>
public enum SignatureStatus
{
    Valid,
    Missing,
    Malformed,
    TimestampOutOfTolerance,
    Mismatch,
}

public static class SignatureStatusExtensions
{
    /// <summary>The <c>error_code</c> a rejected delivery is answered with.</summary>
    public static string ToErrorCode(this SignatureStatus status) => status switch
    {
        SignatureStatus.Missing => "signature_missing",
        SignatureStatus.Malformed => "signature_malformed",
        SignatureStatus.TimestampOutOfTolerance => "timestamp_out_of_tolerance",
        SignatureStatus.Mismatch => "signature_mismatch",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "A valid signature has no error code."),
    };
}
