namespace Postcall.Access;

/// <summary>Where the media-link signing keys come from.</summary>
internal interface IMediaKeySource
{
    /// <summary>
    /// The keys, the same for every caller for as long as links must stay valid: the first signs new links, every one
    /// verifies (two during a rotation). Throws <see cref="MediaKeyUnavailableException"/> when they cannot be read now.
    /// </summary>
    Task<IReadOnlyList<byte[]>> GetKeysAsync(CancellationToken cancellationToken);
}
