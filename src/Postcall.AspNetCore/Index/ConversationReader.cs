using System.Globalization;
using Postcall.Storage;

namespace Postcall.Index;

/// <summary>
/// Derives a conversation's <see cref="ConversationFacts"/> from its stored payloads: the one place the index learns
/// anything, whichever index and whichever store.
/// </summary>
internal static class ConversationReader
{
    /// <summary>The facts, or null when the conversation has no payloads (deleted, or never stored).</summary>
    public static async Task<ConversationFacts?> ReadAsync(IPayloadStore store, ConversationId id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        var records = await RecordsAsync(store, id, await store.PayloadsAsync(id, cancellationToken), cancellationToken);
        return records.Count == 0 ? null : Combine(id, records);
    }

    /// <summary>Each listed payload with its body's indexed fields; a payload removed meanwhile is left out.</summary>
    public static async Task<IReadOnlyList<PayloadRecord>> RecordsAsync(IPayloadStore store, ConversationId id, IReadOnlyList<PayloadObject> payloads,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(payloads);
        var records = new List<PayloadRecord>(payloads.Count);
        foreach (var payload in payloads)
        {
            if (payload.Kind != PayloadKind.Transcription && payload.Kind != PayloadKind.Failure)
            {
                records.Add(new PayloadRecord(payload));
                continue;
            }

            var content = await store.OpenAsync(id, payload.Kind, cancellationToken);
            if (content is null)
            {
                continue;
            }

            await using (content)
            {
                var (call, failed) = await PayloadFacts.ReadAsync(payload.Kind, content.Stream, cancellationToken);
                records.Add(new PayloadRecord(payload with { Length = content.Length, LastModified = content.LastModified, Version = content.Version }, call, failed));
            }
        }

        return records;
    }

    /// <summary>What the index keeps about a conversation with these payloads (at least one).</summary>
    public static ConversationFacts Combine(ConversationId id, IReadOnlyList<PayloadRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var transcription = Of(records, PayloadKind.Transcription);
        var audio = Of(records, PayloadKind.Audio);
        var failure = Of(records, PayloadKind.Failure);
        var call = transcription?.Call;
        var failed = failure?.Failed;
        // Milliseconds, as the index keeps it: a fresh read and a stored row compare equal.
        var received = DateTimeOffset.FromUnixTimeMilliseconds(records.Max(r => r.Payload.LastModified).ToUnixTimeMilliseconds());
        return new ConversationFacts
        {
            ConversationId = id.Value,
            AgentId = call?.AgentId ?? failed?.AgentId,
            Status = call?.Status ?? (failure is not null ? ConversationFacts.InitiationFailedStatus : null),
            UserId = call?.UserId,
            StartedAt = call?.StartedAt ?? failed?.EventTimestamp ?? received.ToUnixTimeSeconds(),
            DurationSecs = call?.DurationSecs,
            CallSuccessful = call?.CallSuccessful,
            Summary = call?.Summary,
            FailureReason = failed?.Reason,
            TranscriptionBytes = transcription?.Payload.Length,
            AudioBytes = audio?.Payload.Length,
            FailureBytes = failure?.Payload.Length,
            OtherPayloads = new([.. records.Where(r => r.Payload.Kind.IsOther).Select(r => new OtherPayload(r.Payload.Kind.Name, r.Payload.Length))]),
            ReceivedAt = received,
            AudioExpected = call?.HasAudio == true,
            TranscriptText = call?.TranscriptText ?? string.Empty,
            FileStamp = Stamp([.. records.Select(r => r.Payload)]),
        };
    }

    /// <summary>
    /// The known kinds' sizes and versions (<c>-</c> for a missing one), then each other event type's: cheap enough to
    /// compare for every conversation, and different whenever a payload may have changed.
    /// </summary>
    public static string Stamp(IReadOnlyList<PayloadObject> payloads)
    {
        ArgumentNullException.ThrowIfNull(payloads);
        return string.Join(';', PayloadKind.Known.Select(kind => payloads.FirstOrDefault(p => p.Kind == kind) is { } p ? StampOf(p) : "-")
            .Concat(payloads.Where(p => p.Kind.IsOther).OrderBy(p => p.Kind.Name, StringComparer.Ordinal).Select(p => $"{p.Kind.Name}={StampOf(p)}")));
    }

    private static PayloadRecord? Of(IReadOnlyList<PayloadRecord> records, PayloadKind kind) => records.FirstOrDefault(r => r.Payload.Kind == kind);

    private static string StampOf(PayloadObject payload) => string.Create(CultureInfo.InvariantCulture, $"{payload.Length}@{payload.Version}");
}
