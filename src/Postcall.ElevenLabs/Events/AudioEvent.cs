namespace Postcall.ElevenLabs;

/// <summary>
/// A <c>post_call_audio</c> webhook: the call's recording, an MP3. The recording is opened as a stream, never held
/// as a byte array: it can be tens of megabytes.
/// </summary>
public sealed class AudioEvent : PostCallEvent
{
    /// <summary>The webhook's type.</summary>
    public const string WireType = "post_call_audio";

    private readonly Func<CancellationToken, Task<Stream>> _openAudio;

    /// <summary>Makes the event of a recording.</summary>
    /// <param name="conversationId">The conversation recorded.</param>
    /// <param name="agentId">The agent of the call.</param>
    /// <param name="eventTimestamp">When ElevenLabs sent it, in Unix seconds.</param>
    /// <param name="openAudio">Opens the MP3 bytes, once per call of <see cref="OpenAudioAsync"/>.</param>
    public AudioEvent(string conversationId, string agentId, long? eventTimestamp, Func<CancellationToken, Task<Stream>> openAudio)
        : base(WireType, conversationId, agentId, eventTimestamp)
    {
        ArgumentException.ThrowIfNullOrEmpty(agentId);
        ArgumentNullException.ThrowIfNull(openAudio);
        _openAudio = openAudio;
    }

    /// <summary>Opens the recording: the MP3's bytes, decoded, read from the start. The caller disposes it.</summary>
    /// <param name="cancellationToken">Stops the opening.</param>
    public Task<Stream> OpenAudioAsync(CancellationToken cancellationToken = default) => _openAudio(cancellationToken);
}
