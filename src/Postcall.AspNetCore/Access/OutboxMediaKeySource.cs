using System.Security.Cryptography;
using System.Text;
using Postcall.Forwarding;
using Postcall.Hosting;

namespace Postcall.Access;

/// <summary>
/// The media-link keys: those an operator set in <c>POSTCALL_MEDIA_KEY</c> (how the key is rotated), or else one kept
/// with the outbox's secrets, written by whichever caller needs it first, then the same for every instance and across
/// restarts, so a link handed to a destination stays valid for its whole lifetime.
/// </summary>
internal sealed class OutboxMediaKeySource(IForwardOutbox outbox, PostcallSettings settings) : IMediaKeySource
{
    private const string Name = "media_key";

    public async Task<IReadOnlyList<byte[]>> GetKeysAsync(CancellationToken cancellationToken)
    {
        if (settings.MediaKeys.Count > 0)
        {
            return [.. settings.MediaKeys.Select(Encoding.UTF8.GetBytes)];
        }

        try
        {
            return [await outbox.SecretAsync(Name, () => RandomNumberGenerator.GetBytes(32), cancellationToken)];
        }
        catch (OutboxUnavailableException e)
        {
            throw new MediaKeyUnavailableException(e.Message, e);
        }
    }
}
