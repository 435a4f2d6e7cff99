namespace Postcall;

/// <summary>
/// Postcall's settings in an app that embeds it. Each is read by the name the Postcall service reads from its
/// environment (<c>ELEVENLABS_POST_CALL_HMAC_KEY</c>, <c>POSTCALL_DATABASE_URL</c>, …; docs/configuration.md): from
/// what is set here first, then from the app's own configuration (environment variables, <c>appsettings.json</c>,
/// user secrets). Invalid settings stop the app at start-up with a message that names them.
/// </summary>
public sealed class PostcallOptions
{
    /// <summary>
    /// The webhook secrets ElevenLabs signs with (<c>wsec_</c>…); several at once while one is rotated. Unset here:
    /// <c>ELEVENLABS_POST_CALL_HMAC_KEY</c>, comma-separated. With none, deliveries are answered 503.
    /// </summary>
    public IList<string> WebhookSecrets { get; } = new List<string>();

    /// <summary>
    /// Where calls are kept on this machine (<c>ELEVENLABS_POST_CALL_PAYLOAD_PATH</c>; <c>./payloads</c> unless set),
    /// and this instance's local state when they are kept in a bucket and a database.
    /// </summary>
    public string? PayloadPath { get; set; }

    /// <summary>Any other setting, by its name, such as <c>POSTCALL_API_KEY</c> or <c>POSTCALL_DATABASE_URL</c>.</summary>
    public IDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>(StringComparer.Ordinal);
}
