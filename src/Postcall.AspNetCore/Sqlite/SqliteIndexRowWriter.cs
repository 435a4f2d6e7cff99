using Microsoft.Data.Sqlite;
using Postcall.Index;

namespace Postcall.Sqlite;

/// <summary>Prepared statements for writing many conversations in one transaction.</summary>
internal sealed class SqliteIndexRowWriter : IDisposable
{
    private readonly SqliteCommand _upsert;
    private readonly SqliteCommand _replaceText;
    private readonly SqliteCommand _remove;

    public SqliteIndexRowWriter(SqliteConnection connection, SqliteTransaction transaction)
    {
        _upsert = Command(connection, transaction, SqliteIndexSchema.Upsert, "$conversation_id", "$agent_id", "$status", "$user_id",
            "$started_at", "$duration_secs", "$call_successful", "$summary", "$failure_reason", "$transcription_bytes",
            "$audio_bytes", "$failure_bytes", "$received_at", "$file_stamp", "$other_payloads", "$audio_expected");
        _replaceText = Command(connection, transaction,
            "DELETE FROM transcripts WHERE rowid = $id; INSERT INTO transcripts (rowid, transcript, summary) VALUES ($id, $transcript, $summary);",
            "$id", "$transcript", "$summary");
        _remove = Command(connection, transaction, """
            DELETE FROM transcripts WHERE rowid = (SELECT id FROM conversations WHERE conversation_id = $conversation_id);
            DELETE FROM conversations WHERE conversation_id = $conversation_id;
            """, "$conversation_id");
    }

    public void Upsert(ConversationFacts facts)
    {
        Set(_upsert, facts.ConversationId, facts.AgentId, facts.Status, facts.UserId, facts.StartedAt, facts.DurationSecs,
            facts.CallSuccessful, facts.Summary, facts.FailureReason, facts.TranscriptionBytes, facts.AudioBytes,
            facts.FailureBytes, facts.ReceivedAt.ToUnixTimeMilliseconds(), facts.FileStamp, facts.OtherPayloads.Format(), facts.AudioExpected ? 1 : 0);
        var rowId = (long)_upsert.ExecuteScalar()!;
        Set(_replaceText, rowId, facts.TranscriptText, facts.Summary);
        _replaceText.ExecuteNonQuery();
    }

    public void Remove(string conversationId)
    {
        Set(_remove, conversationId);
        _remove.ExecuteNonQuery();
    }

    public void Dispose()
    {
        _upsert.Dispose();
        _replaceText.Dispose();
        _remove.Dispose();
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }

    private static void Set(SqliteCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }
    }
}
