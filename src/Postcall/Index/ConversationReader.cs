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
        var files = store.PayloadFiles(id);
        if (files.Count == 0)
        {
            return null;
        }

        var transcription = Of(files, PayloadKind.Transcription);
        var audio = Of(files, PayloadKind.Audio);
        var failure = Of(files, PayloadKind.Failure);
        var call = transcription is null ? null : ReadFile(transcription, PayloadFacts.ReadTranscription);
        var failed = failure is null ? null : ReadFile(failure, PayloadFacts.ReadFailure);
        var receivedAt = files.Max(f => f.File.LastWriteTimeUtc);
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
            OtherPayloads = new([.. files.Where(f => f.Kind.IsOther).Select(f => new OtherPayload(f.Kind.Name, f.File.Length))]),
            ReceivedAt = received,
            TranscriptText = call?.TranscriptText ?? string.Empty,
            FileStamp = StampOf(files),
        };
    }

    /// <summary>The stamp <see cref="Read"/> would give, from file metadata alone: cheap enough to check every folder.</summary>
    public static string Stamp(PayloadStore store, ConversationId id)
    {
        ArgumentNullException.ThrowIfNull(store);
        return StampOf(store.PayloadFiles(id));
    }

    private static FileInfo? Of(IReadOnlyList<(PayloadKind Kind, FileInfo File)> files, PayloadKind kind) =>
        files.FirstOrDefault(f => f.Kind == kind).File;

    private static T ReadFile<T>(FileInfo file, Func<Stream, T> read)
    {
        using var stream = new FileStream(file.FullName, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 64 * 1024);
        return read(stream);
    }

    /// <summary>The known kinds' sizes and write times (<c>-</c> for a missing one), then each other event type's.</summary>
    private static string StampOf(IReadOnlyList<(PayloadKind Kind, FileInfo File)> files) => string.Join(';',
        PayloadKind.Known.Select(kind => Of(files, kind) is { } file ? StampOf(file) : "-")
            .Concat(files.Where(f => f.Kind.IsOther).Select(f => $"{f.Kind.Name}={StampOf(f.File)}")));

    private static string StampOf(FileInfo file) => string.Create(CultureInfo.InvariantCulture, $"{file.Length}@{file.LastWriteTimeUtc.Ticks}");
}
