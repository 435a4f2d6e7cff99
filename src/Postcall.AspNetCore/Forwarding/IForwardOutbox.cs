using Postcall.Storage;

namespace Postcall.Forwarding;

/// <summary>
/// The durable record of where every accepted delivery must go: destinations, forwards, their attempts, and the
/// secrets forwarding signs with. A file beside the payloads on one machine (<see cref="Sqlite.SqliteForwardOutbox"/>),
/// tables in PostgreSQL when instances share the work (<c>PostgresForwardOutbox</c> (Postcall.PostgreSql)). Unlike the
/// index it is no cache: nothing rebuilds it. Every failure of its engine is an <see cref="OutboxUnavailableException"/>.
/// </summary>
internal interface IForwardOutbox : IAsyncDisposable
{
    /// <summary>Where it lives, as a person would name it.</summary>
    string Location { get; }

    /// <summary>Opens or creates it and applies this version's schema; on one machine, releases claims a crash left.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>The named secret, created with <paramref name="create"/> by whichever caller comes first and then the same for all.</summary>
    Task<byte[]> SecretAsync(string name, Func<byte[]> create, CancellationToken cancellationToken);

    Task<IReadOnlyList<Destination>> DestinationsAsync(CancellationToken cancellationToken);

    Task<Destination?> DestinationAsync(string id, CancellationToken cancellationToken);

    /// <summary>Adds the destination, or replaces the one with its id.</summary>
    Task SaveDestinationAsync(Destination destination, CancellationToken cancellationToken);

    /// <summary>Removes the destination with every forward to it and their attempts; false when there was none.</summary>
    Task<bool> DeleteDestinationAsync(string id, CancellationToken cancellationToken);

    /// <summary>
    /// Records a stored delivery and a pending forward to each destination that accepts it, in one durable
    /// transaction, due after <paramref name="firstWait"/>. Nothing happens when this version of the payload was
    /// recorded before (a redelivery, whether or not the store called it a duplicate): each version is forwarded once. A
    /// delivery no destination accepts is recorded only when it is audio, whose envelope is kept nowhere else. Returns
    /// the forwards made.
    /// </summary>
    Task<IReadOnlyList<Forward>> RecordDeliveryAsync(AcceptedDelivery delivery, Func<TimeSpan> firstWait, CancellationToken cancellationToken);

    /// <summary>What a recorded delivery said of itself (agent, event time), or null.</summary>
    Task<AcceptedDelivery?> DeliveryAsync(ConversationId id, PayloadKind kind, CancellationToken cancellationToken);

    /// <summary>
    /// New forwards for a payload to every destination that accepts it, due now, whatever was sent before
    /// (a replay of the conversation): new ids, a fresh schedule.
    /// </summary>
    /// <param name="destinationId">Only to this destination (if it takes the delivery); null: every destination that does.</param>
    Task<IReadOnlyList<Forward>> ForwardAgainAsync(AcceptedDelivery delivery, string? destinationId, CancellationToken cancellationToken);

    /// <summary>
    /// Claims up to <paramref name="limit"/> due, pending forwards to one destination for <paramref name="holder"/>
    /// until <paramref name="until"/>; a claim whose holder died lapses then and the forward is claimed again.
    /// </summary>
    Task<IReadOnlyList<Forward>> ClaimAsync(string destinationId, int limit, string holder, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>Gives back a claim without an attempt (the process is stopping).</summary>
    Task ReleaseAsync(string forwardId, string holder, CancellationToken cancellationToken);

    /// <summary>
    /// Keeps an attempt and moves the forward on: delivered, pending again at <paramref name="nextDue"/>, or dead when
    /// that is null and the attempt failed. Only the holder of the claim moves it.
    /// </summary>
    Task CompleteAttemptAsync(Forward forward, string holder, ForwardAttempt attempt, DateTimeOffset? nextDue, CancellationToken cancellationToken);

    Task<Forward?> ForwardAsync(string id, CancellationToken cancellationToken);

    Task<IReadOnlyList<ForwardAttempt>> AttemptsAsync(string forwardId, CancellationToken cancellationToken);

    Task<IReadOnlyList<Forward>> ListForwardsAsync(ForwardFilter filter, CancellationToken cancellationToken);

    Task<IReadOnlyList<DestinationHealth>> HealthAsync(CancellationToken cancellationToken);

    /// <summary>Makes a forward pending and due now with a fresh schedule, keeping its id; null when there is none.</summary>
    Task<Forward?> RetryAsync(string forwardId, CancellationToken cancellationToken);

    /// <summary>Makes every dead forward of a destination pending again, due now; returns how many.</summary>
    Task<int> RetryDeadAsync(string destinationId, CancellationToken cancellationToken);

    /// <summary>Removes every forward of the conversation, their attempts and its recorded deliveries; returns how many forwards.</summary>
    Task<int> DeleteConversationAsync(ConversationId id, CancellationToken cancellationToken);
}
