using Postcall.Forwarding;

namespace Postcall.Handlers;

/// <summary>
/// A handler is a destination of another kind: its deliveries are forwards in the outbox, recorded in the same
/// transaction as every other forward of a stored call, claimed, attempted, retried and replayed alike. This instance's
/// handlers are written into the outbox at start-up (their kinds, agents, timeout and concurrency, as registered);
/// handlers other instances have are left as they are, so a rolling deploy or a renamed handler never loses work: its
/// deliveries wait, pending and visible, for an instance that has it.
/// </summary>
internal sealed class HandlerDestinations(IEnumerable<HandlerRegistration> registrations)
{
    private readonly Dictionary<string, HandlerRegistration> _byDestination =
        registrations.ToDictionary(r => Destination.HandlerIdOf(r.Name), StringComparer.Ordinal);

    /// <summary>The registration behind a destination, when it is a handler this instance has.</summary>
    public HandlerRegistration? Find(Destination destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        return destination.Source == DestinationSource.Handler ? _byDestination.GetValueOrDefault(destination.Id) : null;
    }

    /// <summary>Whether this instance may claim the destination's work: every HTTP destination, and its own handlers.</summary>
    public bool CanRun(Destination destination) => destination.Source != DestinationSource.Handler || Find(destination) is not null;

    public async Task SyncAsync(IForwardOutbox outbox, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outbox);
        foreach (var (id, registration) in _byDestination)
        {
            var before = await outbox.DestinationAsync(id, cancellationToken);
            await outbox.SaveDestinationAsync(new Destination
            {
                Id = id,
                Url = Destination.HandlerUrlOf(registration.Name),
                Kinds = registration.Kinds,
                AgentIds = registration.AgentIds,
                Secret = string.Empty,
                Timeout = registration.Timeout,
                Concurrency = registration.Concurrency,
                Source = DestinationSource.Handler,
                // A pause made through the API holds across restarts.
                Enabled = before is not { Source: DestinationSource.Handler } || before.Enabled,
                CreatedAt = before?.CreatedAt ?? time.GetUtcNow(),
            }, cancellationToken);
        }
    }
}
