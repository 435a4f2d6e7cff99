using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace Postcall.Http;

/// <summary><c>{"status":"error","message":…,"error_code":…,"request_id":…}</c>, for every 4xx and 5xx.</summary>
internal sealed record ErrorEnvelope(string Message, string ErrorCode, string RequestId)
{
    [JsonPropertyOrder(-1)]
    [SuppressMessage("Performance", "CA1822", Justification = "Serialized with the envelope: an instance property.")]
    public string Status => "error";
}
