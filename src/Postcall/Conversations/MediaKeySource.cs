namespace Postcall.Conversations;

/// <summary>Where the media-link signing key comes from.</summary>
public interface IMediaKeySource
{
    /// <summary>
    /// The key: the same for every caller for as long as links must stay valid. Throws
    /// <see cref="MediaKeyUnavailableException"/> when it cannot be read now.
    /// </summary>
    Task<byte[]> GetKeyAsync(CancellationToken cancellationToken);
}

/// <summary>The media-link key cannot be read now (the outbox that keeps it cannot be reached).</summary>
public sealed class MediaKeyUnavailableException(string message, Exception innerException) : Exception(message, innerException);
