using System.ComponentModel;
using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Postcall.Index;

namespace Postcall.Conversations;

/// <summary>
/// The query string of <c>GET /api/conversations</c>, checked into a <see cref="ConversationQuery"/>. Settable
/// properties rather than a positional record: the compile-time endpoint binding cannot call a constructor whose
/// parameters are nullable strings.
/// </summary>
internal sealed record ListParameters
{
    [Description("Only this agent's conversations.")]
    [FromQuery(Name = "agent_id")]
    public string? AgentId { get; init; }

    [Description("ElevenLabs' status (done, failed, …), or initiation_failed for calls that never started.")]
    [FromQuery(Name = "status")]
    public string? Status { get; init; }

    [Description("success, failure or unknown, as ElevenLabs' analysis judged the call.")]
    [FromQuery(Name = "call_successful")]
    public string? CallSuccessful { get; init; }

    [Description("Started at or after: ISO 8601 date or date-time (UTC unless it says otherwise), or unix seconds.")]
    [FromQuery(Name = "from")]
    public string? From { get; init; }

    [Description("Started at or before; a bare date includes that whole day.")]
    [FromQuery(Name = "to")]
    public string? To { get; init; }

    [Description("Words to find in transcripts and summaries; all must match, the last as a prefix.")]
    [FromQuery(Name = "q")]
    public string? Q { get; init; }

    [Description("Page size, 1 to 200 (default 50).")]
    [FromQuery(Name = "limit")]
    public string? Limit { get; init; }

    [Description("next_cursor from the previous page.")]
    [FromQuery(Name = "cursor")]
    public string? Cursor { get; init; }

    [Description("missing: only calls whose transcription says has_audio but whose recording has not arrived 15 minutes later.")]
    [FromQuery(Name = "audio")]
    public string? Audio { get; init; }

    private static readonly string[] Outcomes = ["success", "failure", "unknown"];

    /// <returns>The query, or null with <paramref name="problem"/> saying which parameter is wrong.</returns>
    public ConversationQuery? ToQuery(DateTimeOffset now, out string? problem)
    {
        // Each value is parsed once; the first bad one is the problem.
        PageCursor after = default;
        var limit = ConversationQuery.DefaultLimit;
        var from = From is null ? null : ParseTime(From, endOfDay: false);
        var to = To is null ? null : ParseTime(To, endOfDay: true);
        problem =
            Limit is not null && (!int.TryParse(Limit, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > ConversationQuery.MaxLimit)
                ? $"limit must be a whole number from 1 to {ConversationQuery.MaxLimit}."
            : CallSuccessful is not null && !Outcomes.Contains(CallSuccessful) ? "call_successful must be success, failure or unknown."
            : Cursor is not null && !PageCursor.TryDecode(Cursor, out after) ? "cursor is not one this API gave out; start again without it."
            : From is not null && from is null ? "from must be an ISO 8601 date or date-time, or unix seconds."
            : To is not null && to is null ? "to must be an ISO 8601 date or date-time, or unix seconds."
            : new[] { AgentId, Status, Q }.Any(v => v?.Length > 500) ? "agent_id, status and q are limited to 500 characters."
            : Audio is not null && Audio != "missing" ? "audio must be missing."
            : null;

        return problem is not null ? null : new ConversationQuery
        {
            AgentId = Blank(AgentId),
            Status = Blank(Status),
            CallSuccessful = CallSuccessful,
            From = from,
            To = to,
            Text = Blank(Q),
            Limit = limit,
            After = Cursor is null ? null : after,
            AudioMissingBefore = Audio is null ? null : (now - ConversationFacts.AudioWait).ToUnixTimeMilliseconds(),
        };
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>Unix seconds for <paramref name="text"/>; a bare date is its first or (for an upper bound) last second.</summary>
    internal static long? ParseTime(string text, bool endOfDay)
    {
        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var unix))
        {
            return unix;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            var start = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).ToUnixTimeSeconds();
            return endOfDay ? start + 86_399 : start;
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant)
            ? instant.ToUnixTimeSeconds()
            : null;
    }
}
