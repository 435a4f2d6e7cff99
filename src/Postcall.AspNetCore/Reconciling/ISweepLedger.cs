using Postcall.Storage;

namespace Postcall.Reconciling;

/// <summary>
/// What reconciling keeps beside the outbox, in the same database (a file of its own on one machine, PostgreSQL when
/// shared), so it survives a restart and an index rebuild: each sweep with its report, and the payloads the API
/// cannot give, not asked for again. Failures are <see cref="Forwarding.OutboxUnavailableException"/>.
/// </summary>
internal interface ISweepLedger
{
    /// <summary>Writes the sweep as it now stands (made, progressed, ended).</summary>
    Task SaveSweepAsync(SweepRecord sweep, CancellationToken cancellationToken);

    Task<SweepRecord?> SweepAsync(string id, CancellationToken cancellationToken);

    /// <summary>The newest sweeps first, background and one-off.</summary>
    Task<IReadOnlyList<SweepRecord>> RecentSweepsAsync(int limit, CancellationToken cancellationToken);

    /// <summary>Of these conversations, the payloads recorded as unfillable, with why.</summary>
    Task<IReadOnlyDictionary<(string ConversationId, string Kind), string>> UnfillableAsync(IReadOnlyList<ConversationId> ids,
        CancellationToken cancellationToken);

    Task MarkUnfillableAsync(ConversationId id, PayloadKind kind, string reason, CancellationToken cancellationToken);
}
