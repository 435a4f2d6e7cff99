using System.Globalization;
using System.Text.Json;
using Postcall.Http;
using Postcall.Receiving;

namespace Postcall.GenericWebhooks;

/// <summary>The earlier service's generic webhook body: <c>{event_type, data?, timestamp?, user_id?}</c>.</summary>
internal sealed record GenericPayload(string EventType, JsonElement? Data, DateTimeOffset? Timestamp, string? UserId)
{
    public static GenericPayload? Parse(JsonElement root, out Rejection? rejection)
    {
        rejection = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            rejection = Rejection.BadRequest(ErrorCodes.InvalidPayload, "The body must be a JSON object.");
            return null;
        }

        if (!root.TryGetProperty("event_type", out var eventType) || eventType.ValueKind != JsonValueKind.String
            || string.IsNullOrWhiteSpace(eventType.GetString()))
        {
            rejection = Rejection.BadRequest(ErrorCodes.MissingEventType, "event_type is required and must be a non-empty string.");
            return null;
        }

        DateTimeOffset? timestamp = null;
        if (root.TryGetProperty("timestamp", out var t) && t.ValueKind != JsonValueKind.Null)
        {
            timestamp = ParseTimestamp(t);
            if (timestamp is null)
            {
                rejection = Rejection.BadRequest(ErrorCodes.InvalidPayload, "timestamp must be an ISO 8601 date-time or unix seconds.");
                return null;
            }
        }

        string? userId = null;
        if (root.TryGetProperty("user_id", out var u) && u.ValueKind != JsonValueKind.Null)
        {
            if (u.ValueKind != JsonValueKind.String)
            {
                rejection = Rejection.BadRequest(ErrorCodes.InvalidPayload, "user_id must be a string.");
                return null;
            }

            userId = u.GetString();
        }

        JsonElement? data = root.TryGetProperty("data", out var d) && d.ValueKind != JsonValueKind.Null ? d.Clone() : null;
        return new GenericPayload(eventType.GetString()!, data, timestamp, userId);
    }

    private static readonly double MinUnixTime = DateTimeOffset.MinValue.ToUnixTimeSeconds();
    private static readonly double MaxUnixTime = DateTimeOffset.MaxValue.ToUnixTimeSeconds();

    private static DateTimeOffset? ParseTimestamp(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String when DateTimeOffset.TryParse(value.GetString(), CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed) => parsed,
        JsonValueKind.Number when value.TryGetDouble(out var seconds) && seconds >= MinUnixTime && seconds <= MaxUnixTime =>
            DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000)),
        _ => null,
    };
}
