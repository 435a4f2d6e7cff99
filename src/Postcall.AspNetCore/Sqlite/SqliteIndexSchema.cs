namespace Postcall.Sqlite;

/// <summary>The index's tables. A different <see cref="Version"/> on disk means rebuild from the payload files.</summary>
internal static class SqliteIndexSchema
{
    /// <remarks>
    /// 2: <c>started_at</c> always lies within the calendar (a version-1 row could hold any number), and
    /// <c>other_payloads</c> lists the files of event types this version does not know.
    /// 3: <c>audio_expected</c>, the transcription's <c>has_audio</c>.
    /// </remarks>
    public const int Version = 3;

    public const string Create = """
        CREATE TABLE IF NOT EXISTS conversations (
            id INTEGER PRIMARY KEY,
            conversation_id TEXT NOT NULL UNIQUE,
            agent_id TEXT,
            status TEXT,
            user_id TEXT,
            started_at INTEGER NOT NULL,
            duration_secs INTEGER,
            call_successful TEXT,
            summary TEXT,
            failure_reason TEXT,
            transcription_bytes INTEGER,
            audio_bytes INTEGER,
            failure_bytes INTEGER,
            received_at INTEGER NOT NULL,
            file_stamp TEXT NOT NULL,
            other_payloads TEXT,
            audio_expected INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX IF NOT EXISTS conversations_newest ON conversations (started_at DESC, conversation_id DESC);
        CREATE INDEX IF NOT EXISTS conversations_agent ON conversations (agent_id, started_at DESC);
        CREATE VIRTUAL TABLE IF NOT EXISTS transcripts USING fts5 (transcript, summary, tokenize = 'unicode61 remove_diacritics 2');
        """;

    public const string Upsert = """
        INSERT INTO conversations (conversation_id, agent_id, status, user_id, started_at, duration_secs, call_successful,
            summary, failure_reason, transcription_bytes, audio_bytes, failure_bytes, received_at, file_stamp, other_payloads,
            audio_expected)
        VALUES ($conversation_id, $agent_id, $status, $user_id, $started_at, $duration_secs, $call_successful,
            $summary, $failure_reason, $transcription_bytes, $audio_bytes, $failure_bytes, $received_at, $file_stamp, $other_payloads,
            $audio_expected)
        ON CONFLICT (conversation_id) DO UPDATE SET agent_id = excluded.agent_id, status = excluded.status,
            user_id = excluded.user_id, started_at = excluded.started_at, duration_secs = excluded.duration_secs,
            call_successful = excluded.call_successful, summary = excluded.summary, failure_reason = excluded.failure_reason,
            transcription_bytes = excluded.transcription_bytes, audio_bytes = excluded.audio_bytes,
            failure_bytes = excluded.failure_bytes, received_at = excluded.received_at, file_stamp = excluded.file_stamp,
            other_payloads = excluded.other_payloads, audio_expected = excluded.audio_expected
        RETURNING id;
        """;
}
