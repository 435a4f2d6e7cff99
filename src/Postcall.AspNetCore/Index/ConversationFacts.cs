namespace Postcall.Index;

/// <summary>
/// What the index keeps about one conversation. Everything here is derived from the conversation's payload files,
/// so the index can always be rebuilt from them.
/// </summary>
internal sealed record ConversationFacts
{
    /// <summary>The status given to a conversation that only has a <c>call_initiation_failure</c>.</summary>
    public const string InitiationFailedStatus = "initiation_failed";

    public required string ConversationId { get; init; }

    public string? AgentId { get; init; }

    public string? Status { get; init; }

    public string? UserId { get; init; }

    /// <summary>Unix seconds: the call's start, else the failure's event time, else when it was received.</summary>
    public long StartedAt { get; init; }

    public long? DurationSecs { get; init; }

    /// <summary><c>success</c>, <c>failure</c> or <c>unknown</c>, as ElevenLabs' analysis says.</summary>
    public string? CallSuccessful { get; init; }

    public string? Summary { get; init; }

    public string? FailureReason { get; init; }

    public long? TranscriptionBytes { get; init; }

    public long? AudioBytes { get; init; }

    public long? FailureBytes { get; init; }

    /// <summary>Files of event types this version does not know, by event type.</summary>
    public OtherPayloads OtherPayloads { get; init; } = OtherPayloads.None;

    /// <summary>When the newest of its payload files was written.</summary>
    public DateTimeOffset ReceivedAt { get; init; }

    /// <summary>The transcription said <c>has_audio: true</c>: a recording should follow.</summary>
    public bool AudioExpected { get; init; }

    /// <summary>How long after the transcription a recording it promised is counted missing. ElevenLabs never retries audio.</summary>
    public static readonly TimeSpan AudioWait = TimeSpan.FromMinutes(15);

    /// <summary>A recording was promised, has not arrived, and the transcription is older than <see cref="AudioWait"/>.</summary>
    public bool IsAudioMissing(DateTimeOffset now) => AudioExpected && AudioBytes is null && ReceivedAt <= now - AudioWait;

    /// <summary>Every transcript message, one per line: what full-text search reads.</summary>
    public string TranscriptText { get; init; } = string.Empty;

    /// <summary>Sizes and write times of the files this was read from; a different stamp means re-read them.</summary>
    public required string FileStamp { get; init; }
}
