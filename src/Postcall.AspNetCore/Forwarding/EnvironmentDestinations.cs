using System.Security.Cryptography;
using System.Text;

namespace Postcall.Forwarding;

/// <summary>
/// Makes the outbox's destinations match <c>POSTCALL_FORWARD_URLS</c> at start-up. Each URL is a destination whose id
/// comes from the URL, so it keeps its forwards across restarts; it receives every kind and is signed with
/// <c>POSTCALL_FORWARD_SECRET</c>, or with a secret generated once and kept in the outbox, the same on every instance.
/// A URL no longer listed is paused, not deleted: its pending forwards stay until it is listed again or deleted.
/// </summary>
internal static class EnvironmentDestinations
{
    public const string SecretName = "forward_secret";

    public static string IdOf(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return "env_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(url.AbsoluteUri)))[..16];
    }

    /// <summary>The secret environment destinations are signed with.</summary>
    private static async Task<string> SecretAsync(IForwardOutbox outbox, ForwardSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outbox);
        ArgumentNullException.ThrowIfNull(settings);
        return settings.Secret ?? Encoding.UTF8.GetString(
            await outbox.SecretAsync(SecretName, () => Encoding.UTF8.GetBytes(WebhookSigner.NewSecret()), cancellationToken));
    }

    public static async Task SyncAsync(IForwardOutbox outbox, ForwardSettings settings, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(outbox);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(time);
        var existing = (await outbox.DestinationsAsync(cancellationToken)).ToDictionary(d => d.Id, StringComparer.Ordinal);
        var listed = new HashSet<string>(StringComparer.Ordinal);
        var secret = settings.Urls.Count > 0 ? await SecretAsync(outbox, settings, cancellationToken) : null;
        foreach (var url in settings.Urls)
        {
            var id = IdOf(url);
            listed.Add(id);
            existing.TryGetValue(id, out var before);
            var destination = new Destination
            {
                Id = id,
                Url = url,
                Secret = secret!,
                Source = DestinationSource.Environment,
                // A pause made through the API holds across restarts; a URL listed again comes back enabled.
                Enabled = before is null || before.Source == DestinationSource.RemovedFromEnvironment || before.Enabled,
                CreatedAt = before?.CreatedAt ?? time.GetUtcNow(),
            };
            await outbox.SaveDestinationAsync(destination, cancellationToken);
        }

        foreach (var gone in existing.Values.Where(d => d.Source == DestinationSource.Environment && !listed.Contains(d.Id)))
        {
            await outbox.SaveDestinationAsync(gone with { Source = DestinationSource.RemovedFromEnvironment, Enabled = false }, cancellationToken);
        }
    }
}
