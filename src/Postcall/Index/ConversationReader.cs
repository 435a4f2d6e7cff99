using System.Globalization;
using Postcall.Storage;

namespace Postcall.Index;

/// <summary>Derives a conversation's <see cref="ConversationFacts"/> from its folder: the one place the index learns anything.</summary>
public static class ConversationReader
{
    /// <summary>The facts, or null when the conversation has no payload files (deleted, or never stored).</summary>
    public static ConversationFacts? Read(PayloadStore store, ConversationId id)
    {
        ArgumentNullException.ThrowIfNull(store);
        var transcription = Stat(store.PathFor(id, PayloadKind.Transcription));
        var audio = Stat(store.PathFor(id, PayloadKind.Audio));
        var failure = Stat(store.PathFor(id, PayloadKind.Failure));
        if (transcription is null && audio is null && failure is null)
        {
            return null;
        }

        var call = transcription is null ? null : ReadFile(transcription, PayloadFacts.ReadTranscription);
        var failed = failure is null ? null : ReadFile(failure, PayloadFacts.ReadFailure);
        var receivedAt = new[] { transcription, audio, failure }.Max(f => f?.LastWriteTimeUtc ?? DateTime.MinValue);
        // Milliseconds, as the index keeps it: a fresh read and a stored row compare equal.
        var received = DateTimeOffset.FromUnixTimeMilliseconds(new DateTimeOffset(receivedAt, TimeSpan.Zero).ToUnixTimeMilliseconds());
        return new ConversationFacts
        {
            ConversationId = id.Value,
            AgentId = call?.AgentId ?? failed?.AgentId,
            Status = call?.Status ?? (failed is not null ? ConversationFacts.InitiationFailedStatus : null),
            UserId = call?.UserId,
            StartedAt = call?.StartedAt ?? failed?.EventTimestamp ?? received.ToUnixTimeSeconds(),
            DurationSecs = call?.DurationSecs,
            CallSuccessful = call?.CallSuccessful,
            Summary = call?.Summary,
            FailureReason = failed?.Reason,
            TranscriptionBytes = transcription?.Length,
            AudioBytes = audio?.Length,
            FailureBytes = failure?.Length,
            ReceivedAt = received,
            TranscriptText = call?.TranscriptText ?? string.Empty,
            FileStamp = StampOf(transcription, audio, failure),
        };
    }

    /// <summary>The stamp <see cref="Read"/> would give, from file metadata alone: cheap enough to check every folder.</summary>
    public static string Stamp(PayloadStore store, ConversationId id)
    {
        ArgumentNullException.ThrowIfNull(store);
        return StampOf(Stat(store.PathFor(id, PayloadKind.Transcription)), Stat(store.PathFor(id, PayloadKind.Audio)),
            Stat(store.PathFor(id, PayloadKind.Failure)));
    }

    private static FileInfo? Stat(string path)
    {
        var file = new FileInfo(path);
        return file.Exists ? file : null;
    }

    private static T ReadFile<T>(FileInfo file, Func<Stream, T> read)
    {
        using var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024);
        return read(stream);
    }

    private static string StampOf(params FileInfo?[] files) => string.Join(';', files.Select(f =>
        f is null ? "-" : string.Create(CultureInfo.InvariantCulture, $"{f.Length}@{f.LastWriteTimeUtc.Ticks}")));
}
