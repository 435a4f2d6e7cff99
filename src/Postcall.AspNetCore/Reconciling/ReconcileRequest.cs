using System.Text.Json;
using Postcall.Http;

namespace Postcall.Reconciling;

/// <summary>
/// <c>{"since": …, "until": …, "agent_ids": […], "dry_run": false}</c>: times as an ISO date (<c>2026-11-01</c>, UTC
/// midnight), an ISO date-time (UTC unless it says otherwise) or Unix seconds; <c>until</c> defaults to now.
/// </summary>
internal sealed record ReconcileRequest(long Since, long Until, IReadOnlyList<string> AgentIds, bool DryRun)
{
    public const int MaxAgents = 100;

    /// <summary>The request, or null with <paramref name="problem"/> saying what is wrong in words fit for the answer.</summary>
    public static ReconcileRequest? Parse(ReadOnlySpan<byte> body, DateTimeOffset now, out string? problem)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body.ToArray());
        }
        catch (JsonException)
        {
            problem = "The body is not JSON: {\"since\": \"2026-11-01\"}.";
            return null;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("since", out var sinceValue))
            {
                problem = "since is required: {\"since\": \"2026-11-01\"} (an ISO date, date-time or Unix seconds).";
                return null;
            }

            if (RequestTime.Parse(sinceValue) is not { } since)
            {
                problem = "since must be an ISO date, an ISO date-time or Unix seconds.";
                return null;
            }

            if (!RequestTime.TryParseUntil(root, now, out var until))
            {
                problem = "until must be an ISO date, an ISO date-time or Unix seconds.";
                return null;
            }

            // Calls cannot have started in the future.
            until = Math.Min(until, now.ToUnixTimeSeconds());

            if (since >= until)
            {
                problem = "since must be before until (and before now).";
                return null;
            }

            var agents = new List<string>();
            if (root.TryGetProperty("agent_ids", out var agentValue) && agentValue.ValueKind != JsonValueKind.Null)
            {
                if (agentValue.ValueKind != JsonValueKind.Array || agentValue.GetArrayLength() > MaxAgents
                    || agentValue.EnumerateArray().Any(a => a.ValueKind != JsonValueKind.String || !IsAgentId(a.GetString()!)))
                {
                    problem = $"agent_ids must be a list of at most {MaxAgents} agent ids.";
                    return null;
                }

                agents.AddRange(agentValue.EnumerateArray().Select(a => a.GetString()!));
            }

            var dryRun = root.TryGetProperty("dry_run", out var dry) && dry.ValueKind == JsonValueKind.True;
            problem = null;
            return new ReconcileRequest(since, until, agents, dryRun);
        }
    }

    /// <summary>What an agent id may look like here: it goes into the API's query string, escaped, and nowhere else.</summary>
    public static bool IsAgentId(string value) =>
        value.Length is > 0 and <= 128 && value.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');
}
