using System.Data.Common;

namespace Postcall.Index;

/// <summary>
/// The row both SQL indexes keep a <see cref="ConversationFacts"/> in: the same column names, selected in this
/// order from a table aliased <c>c</c>, read by ordinal. (Transcript text is searched, never read back.)
/// </summary>
internal static class FactsRow
{
    public const string Columns = """
        c.conversation_id, c.agent_id, c.status, c.user_id, c.started_at, c.duration_secs, c.call_successful, c.summary,
        c.failure_reason, c.transcription_bytes, c.audio_bytes, c.failure_bytes, c.received_at, c.file_stamp, c.other_payloads,
        c.audio_expected
        """;

    /// <summary>How many columns <see cref="Columns"/> selects: the ordinal of the first one a query adds after them.</summary>
    public const int Count = 16;

    public static ConversationFacts Read(DbDataReader row) => new()
    {
        ConversationId = row.GetString(0),
        AgentId = row.IsDBNull(1) ? null : row.GetString(1),
        Status = row.IsDBNull(2) ? null : row.GetString(2),
        UserId = row.IsDBNull(3) ? null : row.GetString(3),
        StartedAt = row.GetInt64(4),
        DurationSecs = row.IsDBNull(5) ? null : row.GetInt64(5),
        CallSuccessful = row.IsDBNull(6) ? null : row.GetString(6),
        Summary = row.IsDBNull(7) ? null : row.GetString(7),
        FailureReason = row.IsDBNull(8) ? null : row.GetString(8),
        TranscriptionBytes = row.IsDBNull(9) ? null : row.GetInt64(9),
        AudioBytes = row.IsDBNull(10) ? null : row.GetInt64(10),
        FailureBytes = row.IsDBNull(11) ? null : row.GetInt64(11),
        ReceivedAt = DateTimeOffset.FromUnixTimeMilliseconds(row.GetInt64(12)),
        FileStamp = row.GetString(13),
        OtherPayloads = OtherPayloads.Parse(row.IsDBNull(14) ? null : row.GetString(14)),
        AudioExpected = Convert.ToInt64(row.GetValue(15), System.Globalization.CultureInfo.InvariantCulture) != 0,
    };
}
