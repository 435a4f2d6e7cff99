namespace Postcall.Forwarding;

internal sealed record DestinationList(IReadOnlyList<DestinationView> Destinations);
