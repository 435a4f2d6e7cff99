using System.Security.Cryptography;
using Postcall.Conversations;

namespace Postcall.Forwarding;

/// <summary>
/// The media-link key, kept with the outbox's secrets: written by whichever caller needs it first, then the same for
/// every instance and across restarts, so a link handed to a destination stays valid for its whole lifetime.
/// </summary>
public sealed class OutboxMediaKeySource(IForwardOutbox outbox) : IMediaKeySource
{
    private const string Name = "media_key";

    public async Task<byte[]> GetKeyAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await outbox.SecretAsync(Name, () => RandomNumberGenerator.GetBytes(32), cancellationToken);
        }
        catch (OutboxUnavailableException e)
        {
            throw new MediaKeyUnavailableException(e.Message, e);
        }
    }
}
