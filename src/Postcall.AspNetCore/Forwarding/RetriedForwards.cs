namespace Postcall.Forwarding;

internal sealed record RetriedForwards(string DestinationId, int Retried);
