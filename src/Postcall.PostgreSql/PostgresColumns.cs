using Npgsql;
using Postcall.Index;

namespace Postcall.Postgres;

/// <summary>Writes a <see cref="ConversationFacts"/> to its <c>postcall_conversations</c> row (read back through <see cref="FactsRow"/>).</summary>
internal static class PostgresColumns
{
    public static async Task UpsertAsync(NpgsqlConnection connection, ConversationFacts facts, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO postcall_conversations (conversation_id, agent_id, status, user_id, started_at, duration_secs, call_successful,
                summary, failure_reason, transcription_bytes, audio_bytes, failure_bytes, received_at, file_stamp, other_payloads, transcript, audio_expected)
            VALUES (@conversation_id, @agent_id, @status, @user_id, @started_at, @duration_secs, @call_successful,
                @summary, @failure_reason, @transcription_bytes, @audio_bytes, @failure_bytes, @received_at, @file_stamp, @other_payloads, @transcript, @audio_expected)
            ON CONFLICT (conversation_id) DO UPDATE SET agent_id = excluded.agent_id, status = excluded.status,
                user_id = excluded.user_id, started_at = excluded.started_at, duration_secs = excluded.duration_secs,
                call_successful = excluded.call_successful, summary = excluded.summary, failure_reason = excluded.failure_reason,
                transcription_bytes = excluded.transcription_bytes, audio_bytes = excluded.audio_bytes,
                failure_bytes = excluded.failure_bytes, received_at = excluded.received_at, file_stamp = excluded.file_stamp,
                other_payloads = excluded.other_payloads, transcript = excluded.transcript,
                audio_expected = excluded.audio_expected;
            """, connection);
        Add(command, "conversation_id", facts.ConversationId);
        Add(command, "agent_id", facts.AgentId);
        Add(command, "status", facts.Status);
        Add(command, "user_id", facts.UserId);
        Add(command, "started_at", facts.StartedAt);
        Add(command, "duration_secs", facts.DurationSecs);
        Add(command, "call_successful", facts.CallSuccessful);
        Add(command, "summary", facts.Summary);
        Add(command, "failure_reason", facts.FailureReason);
        Add(command, "transcription_bytes", facts.TranscriptionBytes);
        Add(command, "audio_bytes", facts.AudioBytes);
        Add(command, "failure_bytes", facts.FailureBytes);
        Add(command, "received_at", facts.ReceivedAt.ToUnixTimeMilliseconds());
        Add(command, "file_stamp", facts.FileStamp);
        Add(command, "other_payloads", facts.OtherPayloads.Format());
        Add(command, "transcript", facts.TranscriptText);
        Add(command, "audio_expected", facts.AudioExpected ? 1 : 0);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// PostgreSQL text cannot hold U+0000, which JSON may carry escaped: it becomes a space (what search would make
    /// of it anyway). The payload itself is stored untouched.
    /// </summary>
    private static void Add(NpgsqlCommand command, string name, object? value) => command.Parameters.AddWithValue(name, value switch
    {
        null => DBNull.Value,
        string text => Text(text),
        _ => value,
    });

    /// <summary>The text with each U+0000 made a space.</summary>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(text))]
    public static string? Text(string? text) => text is not null && text.Contains('\0', StringComparison.Ordinal) ? text.Replace('\0', ' ') : text;
}
