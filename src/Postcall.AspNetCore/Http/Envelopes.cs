using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;

namespace Postcall.Http;

/// <summary><c>{"status":"success","message":…,"request_id":…,"data":{…}}</c>, as the earlier service answered.</summary>
internal sealed record SuccessEnvelope<T>(string Message, string RequestId, T Data)
{
    [JsonPropertyOrder(-1)]
    [SuppressMessage("Performance", "CA1822", Justification = "Serialized with the envelope: an instance property.")]
    public string Status => "success";
}
