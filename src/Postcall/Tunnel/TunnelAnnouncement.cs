namespace Postcall.Tunnel;

internal static class TunnelAnnouncement
{
    public const string WebhookPath = "/webhook/post-call";

    /// <summary>The public base URL, then the exact webhook URL on its own line, ready to paste into ElevenLabs.</summary>
    public static async Task WriteAsync(TextWriter output, Uri publicUrl, int localPort)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(publicUrl);
        var baseUrl = publicUrl.GetLeftPart(UriPartial.Authority);
        await output.WriteLineAsync($"Tunnel open: {baseUrl} -> http://localhost:{localPort}");
        await output.WriteLineAsync("Webhook URL for ElevenLabs (Settings > Webhooks):");
        await output.WriteLineAsync(baseUrl + WebhookPath);
        await output.FlushAsync();
    }
}
