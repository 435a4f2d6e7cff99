using System.Text.Json;
using Postcall.Http;

namespace Postcall.Forwarding;

/// <summary><c>{"since": …, "until": …, "kinds": ["transcription", "audio", "failure", "other"]}</c>: <c>until</c> defaults to now, <c>kinds</c> to all.</summary>
internal sealed record ReplayRequest(long Since, long Until, IReadOnlyList<string> Kinds)
{
    public static readonly IReadOnlyList<string> AllKinds = ["transcription", "audio", "failure", "other"];

    public static ReplayRequest? Parse(byte[] body, DateTimeOffset now, out string? problem)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            problem = "The body is not JSON: {\"since\": \"2026-11-01\"}.";
            return null;
        }

        using (document)
        {
            return Parse(document.RootElement, now, out problem);
        }
    }

    private static ReplayRequest? Parse(JsonElement root, DateTimeOffset now, out string? problem)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("since", out var sinceValue) || RequestTime.Parse(sinceValue) is not { } since)
        {
            problem = "since is required: an ISO date (2026-11-01), an ISO date-time or Unix seconds.";
            return null;
        }

        if (!RequestTime.TryParseUntil(root, now, out var until))
        {
            problem = "until must be an ISO date, an ISO date-time or Unix seconds.";
            return null;
        }

        if (since > until)
        {
            problem = "since must not be after until.";
            return null;
        }

        var kinds = AllKinds;
        if (root.TryGetProperty("kinds", out var kindsValue) && kindsValue.ValueKind != JsonValueKind.Null)
        {
            if (kindsValue.ValueKind != JsonValueKind.Array || kindsValue.GetArrayLength() == 0
                || kindsValue.EnumerateArray().Any(k => k.ValueKind != JsonValueKind.String || !AllKinds.Contains(k.GetString())))
            {
                problem = "kinds must list some of transcription, audio, failure and other.";
                return null;
            }

            kinds = [.. kindsValue.EnumerateArray().Select(k => k.GetString()!).Distinct()];
        }

        problem = null;
        return new ReplayRequest(since, until, kinds);
    }
}
