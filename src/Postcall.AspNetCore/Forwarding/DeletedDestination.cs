namespace Postcall.Forwarding;

internal sealed record DeletedDestination(string Id);
