using System.Text.Json;
using Postcall.ElevenLabs;
using Postcall.Index;
using Postcall.Storage;

namespace Postcall.Calls;

/// <summary>
/// <see cref="ICallArchive"/> over the index and the store, whichever engines they are: lists from the index (which
/// waits to have opened, as the read API does), a call's summary from the index or else from its payloads, payloads
/// from the store. Engine failures become <see cref="ArchiveUnavailableException"/>; no engine type crosses.
/// </summary>
internal sealed class CallArchive(IConversationIndex index, IPayloadStore store) : ICallArchive
{
    public async Task<CallPage> ListAsync(CallQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Limit is < 1 or > ConversationQuery.MaxLimit)
        {
            throw new ArgumentException($"The limit must be 1 to {ConversationQuery.MaxLimit}.", nameof(query));
        }

        PageCursor after = default;
        if (query.Cursor is not null && !PageCursor.TryDecode(query.Cursor, out after))
        {
            throw new ArgumentException("The cursor is not one a page gave out.", nameof(query));
        }

        await index.WaitOpenedAsync(cancellationToken);
        try
        {
            var page = await index.ListAsync(new ConversationQuery
            {
                AgentId = Blank(query.AgentId),
                Status = Blank(query.Status),
                CallSuccessful = Blank(query.CallSuccessful),
                From = query.From?.ToUnixTimeSeconds(),
                To = query.To?.ToUnixTimeSeconds(),
                Text = Blank(query.Text),
                Limit = query.Limit,
                After = query.Cursor is null ? null : after,
            }, cancellationToken);
            return new CallPage([.. page.Items.Select(i => Summarize(i.Facts, i.Snippet))], page.Next?.Encode());
        }
        catch (IndexUnavailableException e)
        {
            throw new ArchiveUnavailableException("The index of calls cannot answer now.", e);
        }
    }

    public async Task<StoredCall?> GetAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        if (!ConversationId.TryParse(conversationId, out var id))
        {
            return null;
        }

        try
        {
            if (await index.FactsAsync(store, id, cancellationToken) is not { } facts)
            {
                return null;
            }

            TranscriptionEvent? transcription = null;
            CallInitiationFailureEvent? failure = null;
            var others = new List<UnknownEvent>();
            foreach (var payload in await store.PayloadsAsync(id, cancellationToken))
            {
                if (payload.Kind == PayloadKind.Audio)
                {
                    continue;
                }

                switch (await ReadEventAsync(id, payload.Kind, cancellationToken))
                {
                    case TranscriptionEvent t:
                        transcription = t;
                        break;
                    case CallInitiationFailureEvent f:
                        failure = f;
                        break;
                    case UnknownEvent u:
                        others.Add(u);
                        break;
                }
            }

            return new StoredCall(Summarize(facts, null), transcription, failure, others);
        }
        catch (StorageException e)
        {
            throw new ArchiveUnavailableException("The storage of calls cannot answer now.", e);
        }
    }

    public async Task<Stream?> OpenAudioAsync(string conversationId, CancellationToken cancellationToken = default)
    {
        if (!ConversationId.TryParse(conversationId, out var id))
        {
            return null;
        }

        try
        {
            return (await store.OpenAsync(id, PayloadKind.Audio, cancellationToken))?.Stream;
        }
        catch (StorageException e)
        {
            throw new ArchiveUnavailableException("The storage of calls cannot answer now.", e);
        }
    }

    /// <summary>A stored JSON payload as its event; null when it is gone, or not in ElevenLabs' envelope (the earlier flat shapes).</summary>
    private async Task<PostCallEvent?> ReadEventAsync(ConversationId id, PayloadKind kind, CancellationToken cancellationToken)
    {
        await using var content = await store.OpenAsync(id, kind, cancellationToken);
        if (content is null)
        {
            return null;
        }

        try
        {
            return await content.ReadEventAsync(cancellationToken);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static CallSummary Summarize(ConversationFacts facts, string? snippet) => new()
    {
        ConversationId = facts.ConversationId,
        AgentId = facts.AgentId,
        Status = facts.Status,
        StartedAt = DateTimeOffset.FromUnixTimeSeconds(facts.StartedAt),
        DurationSecs = facts.DurationSecs,
        CallSuccessful = facts.CallSuccessful,
        Summary = facts.Summary,
        FailureReason = facts.FailureReason,
        HasTranscription = facts.TranscriptionBytes is not null,
        HasAudio = facts.AudioBytes is not null,
        HasFailure = facts.FailureBytes is not null,
        ReceivedAt = facts.ReceivedAt,
        Snippet = snippet,
    };

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
