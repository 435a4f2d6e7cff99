using Postcall.ElevenLabs;

namespace Postcall.Handlers;

/// <summary>
/// Your code for every stored call. Register it with
/// <see cref="Microsoft.Extensions.DependencyInjection.PostCallHandlerServiceCollectionExtensions.AddPostCallHandler{THandler}"/>; override the methods of the events it
/// cares about (the others do nothing and count as handled).
/// <para>
/// A method is called after the delivery is durably stored and recorded for it, never before ElevenLabs is answered,
/// and at least once: a crash, a timeout or an exception means it is called again on the forward retry schedule,
/// then the delivery is dead and can be replayed. Deduplicate on <see cref="PostCallHandlerContext.DeliveryId"/>.
/// Each attempt resolves the handler in a DI scope of its own, so it may take scoped services such as a
/// <c>DbContext</c>; the token is cancelled when the attempt's timeout passes or the app stops.
/// </para>
/// </summary>
public abstract class PostCallHandler
{
    /// <summary>A <c>post_call_transcription</c>: the conversation, its transcript and analysis.</summary>
    /// <param name="transcription">The event as stored.</param>
    /// <param name="context">Which delivery and attempt this is.</param>
    /// <param name="cancellationToken">Cancelled at the attempt's timeout or when the app stops.</param>
    public virtual Task HandleTranscriptionAsync(TranscriptionEvent transcription, PostCallHandlerContext context, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    /// <summary>A <c>post_call_audio</c>: open the recording with <see cref="AudioEvent.OpenAudioAsync"/> and stream it.</summary>
    /// <param name="audio">The event as stored.</param>
    /// <param name="context">Which delivery and attempt this is.</param>
    /// <param name="cancellationToken">Cancelled at the attempt's timeout or when the app stops.</param>
    public virtual Task HandleAudioAsync(AudioEvent audio, PostCallHandlerContext context, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    /// <summary>A <c>call_initiation_failure</c>: a call that never connected.</summary>
    /// <param name="failure">The event as stored.</param>
    /// <param name="context">Which delivery and attempt this is.</param>
    /// <param name="cancellationToken">Cancelled at the attempt's timeout or when the app stops.</param>
    public virtual Task HandleCallInitiationFailureAsync(CallInitiationFailureEvent failure, PostCallHandlerContext context, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    /// <summary>A webhook of a type ElevenLabs added after this version, kept as it came.</summary>
    /// <param name="unknown">The event as stored.</param>
    /// <param name="context">Which delivery and attempt this is.</param>
    /// <param name="cancellationToken">Cancelled at the attempt's timeout or when the app stops.</param>
    public virtual Task HandleUnknownAsync(UnknownEvent unknown, PostCallHandlerContext context, CancellationToken cancellationToken) =>
        Task.CompletedTask;
}
