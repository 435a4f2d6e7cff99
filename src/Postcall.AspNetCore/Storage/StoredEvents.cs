using Postcall.ElevenLabs;

namespace Postcall.Storage;

/// <summary>A stored JSON payload read as its typed event, for the handlers and <see cref="Calls.ICallArchive"/>.</summary>
internal static class StoredEvents
{
    /// <summary>
    /// Reads the whole payload (a transcription, a failure or a newer type: JSON of the size a delivery may have) and
    /// parses it. Throws <see cref="System.Text.Json.JsonException"/> when it is not ElevenLabs' envelope.
    /// </summary>
    public static async Task<PostCallEvent> ReadEventAsync(this PayloadContent content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var bytes = GC.AllocateUninitializedArray<byte>(checked((int)content.Length));
        await content.Stream.ReadExactlyAsync(bytes, cancellationToken);
        return PostCallEvents.Parse(bytes);
    }
}
