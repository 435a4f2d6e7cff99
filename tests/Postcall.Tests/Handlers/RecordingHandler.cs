using System.Collections.Concurrent;
using Postcall.ElevenLabs;
using Postcall.Handlers;

namespace Postcall.Tests.Handlers;

/// <summary>What a handler was called with: the event, its context, and the scope it was resolved in.</summary>
public sealed record HandledCall(PostCallEvent Event, PostCallHandlerContext Context, byte[]? Audio, Guid Scope);

/// <summary>Every call the test's handlers were given, across their scopes; optionally failing the first ones.</summary>
public sealed class HandlerLog
{
    public ConcurrentQueue<HandledCall> Calls { get; } = new();

    /// <summary>The first this many calls throw, after they are logged.</summary>
    public int FailFirst { get; set; }

    /// <summary>How long each call takes, ignoring its token when asked to.</summary>
    public TimeSpan Delay { get; set; }

    public bool IgnoreToken { get; set; }

    public async Task<HandledCall[]> WaitForAsync(int count, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (Calls.Count < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"the handler was called {Calls.Count} time(s), not {count}");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        return [.. Calls];
    }
}

/// <summary>A scoped service: one per attempt, disposed when the attempt ends.</summary>
public sealed class AttemptScope : IDisposable
{
    public Guid Id { get; } = Guid.NewGuid();

    public bool Disposed { get; private set; }

    public void Dispose() => Disposed = true;
}

public sealed class RecordingHandler(HandlerLog log, AttemptScope scope) : PostCallHandler
{
    public override Task HandleTranscriptionAsync(TranscriptionEvent transcription, PostCallHandlerContext context, CancellationToken cancellationToken) =>
        RecordAsync(transcription, context, null, cancellationToken);

    public override async Task HandleAudioAsync(AudioEvent audio, PostCallHandlerContext context, CancellationToken cancellationToken)
    {
        await using var mp3 = await audio.OpenAudioAsync(cancellationToken);
        using var copy = new MemoryStream();
        await mp3.CopyToAsync(copy, cancellationToken);
        await RecordAsync(audio, context, copy.ToArray(), cancellationToken);
    }

    public override Task HandleCallInitiationFailureAsync(CallInitiationFailureEvent failure, PostCallHandlerContext context, CancellationToken cancellationToken) =>
        RecordAsync(failure, context, null, cancellationToken);

    public override Task HandleUnknownAsync(UnknownEvent unknown, PostCallHandlerContext context, CancellationToken cancellationToken) =>
        RecordAsync(unknown, context, null, cancellationToken);

    private async Task RecordAsync(PostCallEvent e, PostCallHandlerContext context, byte[]? audio, CancellationToken cancellationToken)
    {
        Assert.False(scope.Disposed);
        log.Calls.Enqueue(new HandledCall(e, context, audio, scope.Id));
        if (log.Delay > TimeSpan.Zero)
        {
            await Task.Delay(log.Delay, log.IgnoreToken ? CancellationToken.None : cancellationToken);
        }

        if (log.Calls.Count <= log.FailFirst)
        {
            throw new InvalidOperationException($"the downstream system is down (call {log.Calls.Count})");
        }
    }
}
