using System.Collections.Concurrent;
using Postcall.Index;
using Postcall.Storage;

namespace Postcall.Forwarding;

/// <summary>
/// Recovers a destination that lost its own data: every stored call that started in a range (of some kinds) is
/// forwarded to it again as new forwards, in the background, a page at a time, each page one short transaction, so
/// new calls are never held up. The destination's schedule, signing and concurrency apply as to any forward. Progress
/// is kept in this instance's memory: a replay cut short by a stop is started again by whoever asked.
/// </summary>
internal sealed partial class DestinationReplay(IConversationIndex index, IPayloadStore store, IForwardOutbox outbox, ForwardDispatcher dispatcher,
    TimeProvider time, IHostApplicationLifetime lifetime, ILogger<DestinationReplay> logger)
{
    private const int PageSize = 200;
    private const int MaxKept = 100;

    private readonly ConcurrentDictionary<string, ReplayProgress> _replays = new(StringComparer.Ordinal);

    public ReplayProgress? Find(string destinationId, string replayId) =>
        _replays.TryGetValue(replayId, out var replay) && replay.DestinationId == destinationId ? replay : null;

    /// <summary>Starts the replay; returns it at once, running.</summary>
    /// <param name="kinds">Wire names: transcription, audio, failure, other (event types added later).</param>
    public ReplayProgress Start(Destination destination, long since, long until, IReadOnlyList<string> kinds)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var replay = new ReplayProgress("rpl_" + Guid.CreateVersion7().ToString("N"), destination.Id, since, until, kinds, time.GetUtcNow());
        foreach (var old in _replays.Values.Where(r => r.Status != ReplayProgress.Running).OrderBy(r => r.StartedAt).Take(Math.Max(0, _replays.Count - MaxKept)))
        {
            _replays.TryRemove(old.Id, out _);
        }

        _replays[replay.Id] = replay;
        _ = Task.Run(() => RunAsync(replay, destination.Id, kinds, lifetime.ApplicationStopping));
        return replay;
    }

    private async Task RunAsync(ReplayProgress replay, string destinationId, IReadOnlyList<string> kinds, CancellationToken cancellationToken)
    {
        try
        {
            await dispatcher.WhenReadyAsync();
            PageCursor? after = null;
            do
            {
                var page = await index.ListAsync(new ConversationQuery { From = replay.Since, To = replay.Until, Limit = PageSize, After = after }, cancellationToken);
                foreach (var call in page.Items)
                {
                    var id = ConversationId.Parse(call.Facts.ConversationId);
                    foreach (var payload in await store.PayloadsAsync(id, cancellationToken))
                    {
                        if (!kinds.Contains(payload.Kind.WireName))
                        {
                            continue;
                        }

                        var delivery = await outbox.DeliveryAsync(id, payload.Kind, cancellationToken)
                            ?? new AcceptedDelivery(id, payload.Kind, payload.Version, call.Facts.AgentId, null);
                        replay.Add((await outbox.ForwardAgainAsync(delivery, destinationId, cancellationToken)).Count);
                    }

                    replay.Matched();
                }

                dispatcher.Wake();
                after = page.Next;
            }
            while (after is not null);

            replay.End(ReplayProgress.Completed, null, time.GetUtcNow());
            Completed(logger, replay.Id, destinationId, replay.Conversations, replay.Forwards);
        }
        catch (Exception e) when (e is IndexUnavailableException or StorageException or OutboxUnavailableException or OperationCanceledException)
        {
            replay.End(ReplayProgress.Failed, e is OperationCanceledException ? "The service stopped." : e.Message, time.GetUtcNow());
            Failed(logger, replay.Id, destinationId, e.Message);
        }
    }

    [LoggerMessage(EventId = 5020, EventName = "DestinationReplayed", Level = LogLevel.Information,
        Message = "Replay {ReplayId} to {DestinationId}: {Conversations} conversations, {Forwards} forwards made")]
    private static partial void Completed(ILogger logger, string replayId, string destinationId, int conversations, int forwards);

    [LoggerMessage(EventId = 5021, EventName = "DestinationReplayFailed", Level = LogLevel.Warning,
        Message = "Replay {ReplayId} to {DestinationId} stopped (what was made stays made; start it again to finish): {Reason}")]
    private static partial void Failed(ILogger logger, string replayId, string destinationId, string reason);
}
