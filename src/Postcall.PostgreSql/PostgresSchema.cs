namespace Postcall.Postgres;

/// <summary>
/// The shared database's tables, as numbered migrations. Each is applied once, in order, in one transaction with
/// the others still missing, under an advisory lock, so instances starting together apply each exactly once.
/// Tables carry a <c>postcall_</c> prefix: the database may hold others.
/// </summary>
internal static class PostgresSchema
{
    /// <summary>Any number: the advisory lock migrations are applied under.</summary>
    public const long MigrationLock = 0x706f737463616c6c; // "postcall"

    public static readonly IReadOnlyList<string> Migrations =
    [
        // 1: payloads, conversations with full-text search, leases of background jobs, shared secrets.
        """
        CREATE TABLE postcall_payloads (
            conversation_id text COLLATE "C" NOT NULL,
            kind text NOT NULL,
            bytes bigint NOT NULL,
            last_modified timestamptz NOT NULL,
            version text NOT NULL,
            facts jsonb,
            PRIMARY KEY (conversation_id, kind)
        );
        CREATE TABLE postcall_conversations (
            conversation_id text COLLATE "C" PRIMARY KEY,
            agent_id text,
            status text,
            user_id text,
            started_at bigint NOT NULL,
            duration_secs bigint,
            call_successful text,
            summary text,
            failure_reason text,
            transcription_bytes bigint,
            audio_bytes bigint,
            failure_bytes bigint,
            received_at bigint NOT NULL,
            file_stamp text NOT NULL,
            other_payloads text,
            transcript text NOT NULL DEFAULT '',
            search tsvector GENERATED ALWAYS AS (to_tsvector('simple', transcript || ' ' || coalesce(summary, ''))) STORED
        );
        CREATE INDEX postcall_conversations_newest ON postcall_conversations (started_at DESC, conversation_id DESC);
        CREATE INDEX postcall_conversations_agent ON postcall_conversations (agent_id, started_at DESC);
        CREATE INDEX postcall_conversations_search ON postcall_conversations USING GIN (search);
        CREATE TABLE postcall_leases (
            job text PRIMARY KEY,
            holder text NOT NULL,
            expires_at timestamptz NOT NULL
        );
        CREATE TABLE postcall_secrets (
            name text PRIMARY KEY,
            value bytea NOT NULL
        );
        """,

        // 2: the forwarding outbox: destinations, the deliveries forwarded, forwards and every attempt. Times in Unix ms.
        """
        CREATE TABLE postcall_destinations (
            id text PRIMARY KEY, url text NOT NULL, kinds text NOT NULL, agent_ids text NOT NULL, enabled integer NOT NULL,
            secret text NOT NULL, headers text NOT NULL, timeout_ms bigint NOT NULL, concurrency integer NOT NULL,
            audio_as_link integer NOT NULL, source text NOT NULL, created_at bigint NOT NULL
        );
        CREATE TABLE postcall_deliveries (
            conversation_id text COLLATE "C" NOT NULL, kind text NOT NULL, version text NOT NULL, agent_id text, event_timestamp bigint,
            recorded_at bigint NOT NULL, PRIMARY KEY (conversation_id, kind)
        );
        CREATE TABLE postcall_forwards (
            id text PRIMARY KEY, destination_id text NOT NULL, conversation_id text COLLATE "C" NOT NULL, kind text NOT NULL, agent_id text,
            event_timestamp bigint, status text NOT NULL, attempts integer NOT NULL, step integer NOT NULL, created_at bigint NOT NULL,
            due_at bigint, delivered_at bigint, last_status_code integer, last_error text, claimed_by text, claimed_until bigint
        );
        CREATE INDEX postcall_forwards_due ON postcall_forwards (destination_id, status, due_at);
        CREATE INDEX postcall_forwards_conversation ON postcall_forwards (conversation_id);
        CREATE INDEX postcall_forwards_newest ON postcall_forwards (created_at DESC);
        CREATE TABLE postcall_attempts (
            forward_id text NOT NULL, destination_id text NOT NULL, number integer NOT NULL, started_at bigint NOT NULL,
            duration_ms bigint NOT NULL, status_code integer, response text, error text, succeeded integer NOT NULL,
            PRIMARY KEY (forward_id, number)
        );
        CREATE INDEX postcall_attempts_destination ON postcall_attempts (destination_id, started_at);
        """,

        // 3: whether a conversation's transcription promised a recording (has_audio), for calls whose audio never came.
        // Rows written before it say no until their conversation is written again or `postcall reindex` runs.
        """
        ALTER TABLE postcall_conversations ADD COLUMN audio_expected integer NOT NULL DEFAULT 0;
        """,

        // 4: whether a forward was made or made pending again on request (a replay), as handlers are told.
        """
        ALTER TABLE postcall_forwards ADD COLUMN replay integer NOT NULL DEFAULT 0;
        """,

        // 5: whether a payload was fetched from ElevenLabs' Conversations API rather than delivered, and so its forwards.
        """
        ALTER TABLE postcall_deliveries ADD COLUMN fetched integer NOT NULL DEFAULT 0;
        ALTER TABLE postcall_forwards ADD COLUMN fetched integer NOT NULL DEFAULT 0;
        """,

        // 6: reconciling with ElevenLabs' Conversations API: each sweep and its report, and what the API cannot give.
        """
        CREATE TABLE postcall_sweeps (
            id text PRIMARY KEY, trigger_name text NOT NULL, since_unix bigint NOT NULL, until_unix bigint NOT NULL, agents text NOT NULL,
            dry_run integer NOT NULL, status text NOT NULL, started_at bigint NOT NULL, updated_at bigint NOT NULL,
            finished_at bigint, reach bigint, report text NOT NULL);
        CREATE INDEX postcall_sweeps_newest ON postcall_sweeps (started_at DESC);
        CREATE TABLE postcall_unfillable (
            conversation_id text COLLATE "C" NOT NULL, kind text NOT NULL, reason text NOT NULL, recorded_at bigint NOT NULL,
            PRIMARY KEY (conversation_id, kind));
        """,
    ];
}
