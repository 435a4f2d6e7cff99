namespace Postcall.Forwarding;

/// <summary>The outbox's engine cannot be reached or refused; nothing was recorded.</summary>
internal sealed class OutboxUnavailableException(string message, Exception innerException) : Exception(message, innerException);
