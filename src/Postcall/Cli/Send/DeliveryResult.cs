using System.Text.Json;

namespace Postcall.Cli.Send;

internal sealed record DeliveryResult(OutgoingDelivery Delivery, int StatusCode, string Reason, string? RequestId, string Body, TimeSpan Elapsed)
{
    public bool Ok => StatusCode == 200;

    public bool Duplicate => Ok && Read(body => body.TryGetProperty("data", out var data)
        && data.TryGetProperty("duplicate", out var duplicate) && duplicate.ValueKind == JsonValueKind.True);

    public string? ErrorCode => Ok ? null : Read(body => body.TryGetProperty("error_code", out var code) ? code.GetString() : null);

    /// <summary>The answer indented for people; as received when it is not JSON.</summary>
    public string PrettyBody()
    {
        try
        {
            using var doc = JsonDocument.Parse(Body);
            return JsonSerializer.Serialize(doc.RootElement, Indented);
        }
        catch (JsonException)
        {
            return Body;
        }
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private T? Read<T>(Func<JsonElement, T> read)
    {
        try
        {
            using var doc = JsonDocument.Parse(Body);
            return read(doc.RootElement);
        }
        catch (JsonException)
        {
            return default;
        }
    }
}
