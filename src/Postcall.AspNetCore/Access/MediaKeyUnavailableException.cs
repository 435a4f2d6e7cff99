namespace Postcall.Access;

/// <summary>The media-link key cannot be read now (the outbox that keeps it cannot be reached).</summary>
internal sealed class MediaKeyUnavailableException(string message, Exception innerException) : Exception(message, innerException);
