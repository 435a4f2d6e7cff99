using System.Text;
using System.Text.Json.Nodes;

namespace Postcall.Tests.Support;

/// <summary>
/// Realistic conversations in ElevenLabs' envelope, built from the documented sample: several agents, outcomes,
/// evaluation criteria, collected data and tool calls, plus SIP and Twilio initiation failures.
/// </summary>
public static class DemoCalls
{
    public sealed record DemoCall(string ConversationId, string AgentId, string Outcome, long StartedAt, int DurationSecs, string Summary,
        IReadOnlyList<(string Role, string Message, int Time)> Turns, string? ToolName = null);

    public static IReadOnlyList<DemoCall> Calls(long now) =>
    [
        new("conv_refund_7f3a", "support-agent", "success", now - 600, 184,
            "The caller asked for a refund on order 4471 after a late delivery. The agent confirmed the order, issued a full refund and emailed a confirmation.",
            [("agent", "Thanks for calling Northwind support, this is Ava. How can I help?", 0),
             ("user", "Hi, my order 4471 arrived a week late and I'd like a refund please.", 4),
             ("agent", "I'm sorry about the delay. Let me look that up for you.", 11),
             ("agent", "I can see order 4471. I've issued a full refund to your card; it should appear in three to five days.", 19),
             ("user", "Perfect, thank you so much.", 31)],
            "lookup_order"),
        new("conv_booking_2c91", "sales-agent", "success", now - 3_600, 242,
            "A new customer booked a product demo for Thursday at 10:00 and asked about annual pricing.",
            [("agent", "Hello! You've reached Contoso sales. Are you interested in a demo?", 0),
             ("user", "Yes, could we do Thursday morning?", 5),
             ("agent", "Thursday at ten works. I've booked it and sent you an invitation.", 12),
             ("user", "Great. Is there a discount for annual plans?", 20),
             ("agent", "Annual plans are two months free compared to monthly billing.", 26)],
            "book_meeting"),
        new("conv_billing_9d04", "support-agent", "failure", now - 86_400, 95,
            "The caller disputed a duplicate charge; the agent could not verify the account and the caller hung up.",
            [("agent", "Northwind support, how can I help today?", 0),
             ("user", "I was charged twice for my subscription this month.", 3),
             ("agent", "I can help with that. Could you confirm the email on the account?", 9),
             ("user", "I don't remember which one I used. Forget it.", 17)]),
        new("conv_hours_51be", "support-agent", "unknown", now - 2 * 86_400, 41,
            "A short call asking about weekend opening hours.",
            [("agent", "Northwind support, this is Ava.", 0),
             ("user", "Are you open on Sundays?", 2),
             ("agent", "We're open Sundays from ten to four.", 6)]),
    ];

    public static string Transcription(DemoCall call)
    {
        var transcript = new JsonArray();
        foreach (var (role, message, time) in call.Turns)
        {
            var turn = new JsonObject { ["role"] = role, ["message"] = message, ["tool_calls"] = null, ["tool_results"] = null, ["time_in_call_secs"] = time };
            if (call.ToolName is not null && role == "agent" && time > 10 && transcript.Count == 2)
            {
                turn["tool_calls"] = new JsonArray(new JsonObject { ["request_id"] = "req_1", ["tool_name"] = call.ToolName, ["params_as_json"] = "{\"id\":\"4471\"}", ["tool_has_been_called"] = true });
                turn["tool_results"] = new JsonArray(new JsonObject { ["request_id"] = "req_1", ["tool_name"] = call.ToolName, ["result_value"] = "{\"status\":\"found\"}", ["is_error"] = false });
            }

            transcript.Add(turn);
        }

        var envelope = new JsonObject
        {
            ["type"] = "post_call_transcription",
            ["event_timestamp"] = call.StartedAt + call.DurationSecs,
            ["data"] = new JsonObject
            {
                ["agent_id"] = call.AgentId,
                ["conversation_id"] = call.ConversationId,
                ["status"] = "done",
                ["user_id"] = "user_" + call.ConversationId[^4..],
                ["transcript"] = transcript,
                ["metadata"] = new JsonObject
                {
                    ["start_time_unix_secs"] = call.StartedAt,
                    ["call_duration_secs"] = call.DurationSecs,
                    ["cost"] = call.DurationSecs * 8,
                    ["termination_reason"] = call.Outcome == "failure" ? "Client disconnected" : "Call ended by agent",
                    ["phone_call"] = new JsonObject { ["direction"] = "inbound", ["external_number"] = $"+1555010{call.DurationSecs:D4}" },
                },
                ["analysis"] = new JsonObject
                {
                    ["evaluation_criteria_results"] = new JsonObject
                    {
                        ["resolved"] = new JsonObject { ["criteria_id"] = "resolved", ["result"] = call.Outcome, ["rationale"] = call.Outcome == "success" ? "The request was completed during the call." : "The request was not completed." },
                        ["polite"] = new JsonObject { ["criteria_id"] = "polite", ["result"] = "success", ["rationale"] = "The agent stayed courteous throughout." },
                    },
                    ["data_collection_results"] = new JsonObject
                    {
                        ["order_number"] = new JsonObject { ["data_collection_id"] = "order_number", ["value"] = call.ConversationId.Contains("refund", StringComparison.Ordinal) ? "4471" : null, ["rationale"] = "Mentioned by the caller." },
                    },
                    ["call_successful"] = call.Outcome,
                    ["transcript_summary"] = call.Summary,
                },
            },
        };
        return envelope.ToJsonString();
    }

    public static string SipFailure(string conversationId, long at) =>
        Encoding.UTF8.GetString(Fixtures.Bytes("call_initiation_failure_sip.json"))
            .Replace("\"conversation_id\":\"abc\"", $"\"conversation_id\":\"{conversationId}\"", StringComparison.Ordinal)
            .Replace("\"agent_id\":\"xyz\"", "\"agent_id\":\"sales-agent\"", StringComparison.Ordinal)
            .Replace("1759931652", at.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

    /// <summary>Stores every demo call (and the sample recording for the first) through the real, signed endpoint.</summary>
    public static async Task SeedAsync(HttpClient client, long now)
    {
        var calls = Calls(now);
        foreach (var call in calls)
        {
            await SendAsync(client, Transcription(call));
        }

        await SendAsync(client, Deliveries.Audio(calls[0].ConversationId, Fixtures.Bytes("sample_call.mp3")));
        await SendAsync(client, SipFailure("conv_busy_e210", now - 7_200));
    }

    public static async Task SendAsync(HttpClient client, string body)
    {
        var response = await Envelope.SendAsync(client, Deliveries.SignedRequest(body));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.Status);
    }
}
