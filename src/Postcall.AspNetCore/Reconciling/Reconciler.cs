using Postcall.Forwarding;
using Postcall.Hosting;
using Postcall.Index;
using Postcall.Storage;

namespace Postcall.Reconciling;

/// <summary>
/// One sweep: lists the calls that started in its range, page by page (newest first, the start of the range fixed so
/// the cursor walks a list that does not move), and settles each final one: already stored, recorded as unfillable,
/// or fetched now (<see cref="Backfill"/>). A call still in progress, within its grace, or whose fetch failed for a
/// passing reason is left for a later sweep, which the sweep's <see cref="SweepRecord.Reach"/> makes sure of. A few
/// calls at a time; one bad answer fails its call, not the sweep.
/// </summary>
internal sealed partial class Reconciler(ConversationsApi api, Backfill backfill, IPayloadStore store, ISweepLedger ledger,
    PostcallSettings settings, TimeProvider time, ILogger<Reconciler> logger)
{
    /// <summary>Calls settled at once: the API is asked politely.</summary>
    public const int Concurrency = 4;

    /// <summary>A recording the transcription promised is fetched once the missing-audio check would flag it.</summary>
    public static readonly TimeSpan AudioGrace = TimeSpan.FromMinutes(15);

    /// <summary>Runs the sweep to its end, saving it at every page; returns it as it ended.</summary>
    public async Task<SweepRecord> RunAsync(SweepRecord sweep, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        var report = sweep.Report;
        var unsettled = long.MaxValue;
        var agents = sweep.Agents.Count == 0 ? [null] : sweep.Agents.Select(a => (string?)a).ToList();
        try
        {
            foreach (var agent in agents)
            {
                string? cursor = null;
                do
                {
                    var page = await api.ListAsync(new ConversationListRequest(cursor, agent, sweep.Until, sweep.Since), cancellationToken);
                    report.Add(r =>
                    {
                        r.Pages++;
                        r.Listed += page.Conversations.Count;
                        r.SkippedIds += page.Skipped;
                    });
                    var unfillable = await ledger.UnfillableAsync([.. page.Conversations.Select(c => c.Id)], cancellationToken);
                    await Parallel.ForEachAsync(page.Conversations, new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken },
                        async (call, token) =>
                        {
                            if (!await SettleAsync(call, unfillable, sweep.DryRun, report, token))
                            {
                                InterlockedMin(ref unsettled, call.StartTimeUnixSecs);
                            }
                        });
                    sweep = sweep with { UpdatedAt = time.GetUtcNow() };
                    await ledger.SaveSweepAsync(sweep, cancellationToken);
                    cursor = page.NextCursor;
                }
                while (cursor is not null);
            }
        }
        catch (ElevenLabsApiException e)
        {
            report.AddError(new SweepItem(null, null, $"Listing conversations failed: {e.Message}"));
            ListFailed(logger, sweep.Id, e.Message);
            return await EndAsync(sweep, SweepRecord.Failed, null, cancellationToken);
        }

        var ended = await EndAsync(sweep, SweepRecord.Completed, unsettled == long.MaxValue ? sweep.Until : unsettled, cancellationToken);
        var backfilled = report.BackfilledTranscriptions + report.BackfilledRecordings;
        if (backfilled > 0 && !sweep.DryRun)
        {
            Backfilled(logger, sweep.Id, report.BackfilledTranscriptions, report.BackfilledRecordings);
        }

        Completed(logger, sweep.Id, sweep.Trigger, report.Listed, report.AlreadyStored, backfilled, report.Unfillable, report.ApiErrors);
        return ended;
    }

    private async Task<SweepRecord> EndAsync(SweepRecord sweep, string status, long? reach, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var ended = sweep with { Status = status, UpdatedAt = now, FinishedAt = now, Reach = reach };
        await ledger.SaveSweepAsync(ended, cancellationToken);
        return ended;
    }

    /// <summary>True when nothing more is to be done for the call; false when a later sweep must look at it again.</summary>
    private async Task<bool> SettleAsync(ListedConversation call, IReadOnlyDictionary<(string, string), string> unfillable, bool dryRun,
        SweepReport report, CancellationToken cancellationToken)
    {
        if (!call.IsFinal)
        {
            report.Add(r => r.NotFinal++);
            return false;
        }

        var now = time.GetUtcNow().ToUnixTimeSeconds();
        try
        {
            var payloads = await store.PayloadsAsync(call.Id, cancellationToken);
            var hadTranscription = payloads.Any(p => p.Kind == PayloadKind.Transcription || p.Kind == PayloadKind.Failure);
            var hadAudio = payloads.Any(p => p.Kind == PayloadKind.Audio);
            var settled = true;
            var fetchedTranscription = false;
            if (!hadTranscription && !unfillable.ContainsKey((call.Id.Value, PayloadKind.Transcription.Name)))
            {
                if (call.EndedAtUnixSecs + (long)settings.Reconcile.Grace.TotalSeconds > now)
                {
                    report.Add(r => r.Waiting++);
                    return false;
                }

                var outcome = await FetchAsync(call, PayloadKind.Transcription, dryRun, report, cancellationToken);
                fetchedTranscription = outcome == Outcome.Stored;
                settled = outcome != Outcome.Failed;
            }

            if (hadAudio || unfillable.ContainsKey((call.Id.Value, PayloadKind.Audio.Name)))
            {
                if (hadTranscription)
                {
                    // Everything the API can give is stored.
                    report.Add(r => r.AlreadyStored++);
                }

                return settled;
            }

            if (dryRun && !hadTranscription)
            {
                // Whether the call has a recording is known only from its transcription, which a dry run does not fetch.
                return settled && await FetchAsync(call, PayloadKind.Audio, dryRun, report, cancellationToken) != Outcome.Failed;
            }

            switch (await ExpectsAudioAsync(call.Id, cancellationToken))
            {
                case false:
                    if (hadTranscription)
                    {
                        report.Add(r => r.AlreadyStored++);
                    }

                    return settled;
                case null when !fetchedTranscription && !hadTranscription:
                    // No transcription to say whether there is a recording: unfillable (settled) or failed (not yet).
                    return settled;
            }

            if (call.EndedAtUnixSecs + (long)AudioGrace.TotalSeconds > now)
            {
                report.Add(r => r.Waiting++);
                return false;
            }

            return await FetchAsync(call, PayloadKind.Audio, dryRun, report, cancellationToken) != Outcome.Failed && settled;
        }
        catch (Exception e) when (e is StorageException or IndexUnavailableException or OutboxUnavailableException)
        {
            report.AddError(new SweepItem(call.Id.Value, null, $"Could not be stored now: {e.Message}"));
            ItemFailed(logger, call.Id.Value, e.Message);
            return false;
        }
    }

    /// <summary>What fetching one payload came to.</summary>
    private enum Outcome
    {
        /// <summary>Stored now, already stored, or (a dry run) would be.</summary>
        Stored,

        /// <summary>The API cannot give it; recorded, not asked for again.</summary>
        Unfillable,

        /// <summary>Not now: a later sweep tries again.</summary>
        Failed,
    }

    private async Task<Outcome> FetchAsync(ListedConversation call, PayloadKind kind, bool dryRun, SweepReport report, CancellationToken cancellationToken)
    {
        if (dryRun)
        {
            CountFetched(report, kind);
            return Outcome.Stored;
        }

        try
        {
            var stored = kind == PayloadKind.Audio
                ? await backfill.FetchAudioAsync(call.Id, call.AgentId, cancellationToken)
                : await backfill.FetchTranscriptionAsync(call.Id, cancellationToken);
            if (stored is not null)
            {
                CountFetched(report, kind);
            }

            return Outcome.Stored;
        }
        catch (ElevenLabsApiException e) when (e.Failure == ApiFailure.NotFound)
        {
            var reason = kind == PayloadKind.Audio
                ? "The API has no recording of it (404): audio saving off, Zero Retention Mode, or deleted."
                : "The API cannot give it (404): deleted, or an agent in Zero Retention Mode.";
            await ledger.MarkUnfillableAsync(call.Id, kind, reason, cancellationToken);
            report.AddUnfillable(new SweepItem(call.Id.Value, kind.WireName, reason));
            return Outcome.Unfillable;
        }
        catch (ElevenLabsApiException e)
        {
            report.AddError(new SweepItem(call.Id.Value, kind.WireName, e.Message));
            ItemFailed(logger, call.Id.Value, e.Message);
            return Outcome.Failed;
        }
    }

    /// <summary>Counts a payload fetched (or, in a dry run, one that would be).</summary>
    private static void CountFetched(SweepReport report, PayloadKind kind) => report.Add(r =>
    {
        if (kind == PayloadKind.Audio)
        {
            r.BackfilledRecordings++;
        }
        else
        {
            r.BackfilledTranscriptions++;
        }
    });

    /// <summary>What the stored transcription says of <c>has_audio</c>: null when it says nothing or none is stored.</summary>
    private async Task<bool?> ExpectsAudioAsync(ConversationId id, CancellationToken cancellationToken)
    {
        await using var content = await store.OpenAsync(id, PayloadKind.Transcription, cancellationToken);
        if (content is null)
        {
            return null;
        }

        try
        {
            return await content.ReadEventAsync(cancellationToken) is ElevenLabs.TranscriptionEvent transcription ? transcription.Data.HasAudio : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static void InterlockedMin(ref long target, long value)
    {
        long seen;
        while (value < (seen = Interlocked.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    [LoggerMessage(EventId = 6001, EventName = "ReconcileCompleted", Level = LogLevel.Information,
        Message = "Sweep {SweepId} ({Trigger}) done: {Listed} calls listed, {AlreadyStored} already stored, {Backfilled} payloads fetched, {Unfillable} unfillable, {ApiErrors} API errors")]
    private static partial void Completed(ILogger logger, string sweepId, string trigger, int listed, int alreadyStored, int backfilled, int unfillable, int apiErrors);

    [LoggerMessage(EventId = 6002, EventName = "ReconcileBackfilled", Level = LogLevel.Warning,
        Message = "Sweep {SweepId} fetched {Transcriptions} transcriptions and {Recordings} recordings from ElevenLabs' API: their webhooks never arrived")]
    private static partial void Backfilled(ILogger logger, string sweepId, int transcriptions, int recordings);

    [LoggerMessage(EventId = 6003, EventName = "ReconcileListFailed", Level = LogLevel.Warning,
        Message = "Sweep {SweepId} could not list conversations: {Reason}")]
    private static partial void ListFailed(ILogger logger, string sweepId, string reason);

    [LoggerMessage(EventId = 6004, EventName = "ReconcileItemFailed", Level = LogLevel.Warning,
        Message = "Conversation {ConversationId} could not be reconciled now (a later sweep tries again): {Reason}")]
    private static partial void ItemFailed(ILogger logger, string conversationId, string reason);
}
