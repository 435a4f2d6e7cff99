namespace Postcall.ElevenLabs;

/// <summary>The outcome of checking an <c>ElevenLabs-Signature</c> header against a body.</summary>
public enum SignatureStatus
{
    /// <summary>One of the header's signatures is the HMAC of the body under one of the secrets, within the tolerance.</summary>
    Valid,

    /// <summary>No header, or an empty one.</summary>
    Missing,

    /// <summary>Not <c>t=&lt;unix seconds&gt;,v0=&lt;64 hex characters&gt;</c>.</summary>
    Malformed,

    /// <summary>Its timestamp lies further from now than the tolerance, either way: stale, replayed, or a wrong clock.</summary>
    TimestampOutOfTolerance,

    /// <summary>Well formed and timely, but signed with none of the secrets, or over other bytes.</summary>
    Mismatch,
}
