using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Postcall.ElevenLabs;
using Postcall.Forwarding;
using Postcall.Storage;

namespace Postcall.Handlers;

/// <summary>
/// Makes one attempt of a forward to a handler: reads the stored payload as its typed event, resolves the handler in a
/// fresh DI scope, calls the method for the event within the handler's timeout, and says what came of it, as the HTTP
/// sender does for a URL. An exception is a failed attempt, retried on the forward schedule; it never escapes.
/// </summary>
internal sealed class HandlerInvoker(IServiceScopeFactory scopes, IPayloadStore store, TimeProvider time)
{
    public async Task<AttemptOutcome> InvokeAsync(HandlerRegistration handler, Destination destination, Forward forward, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(forward);
        var started = time.GetUtcNow();
        var clock = Stopwatch.StartNew();
        var number = forward.Attempts + 1;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(destination.Timeout);
        PayloadContent? stored = null;
        var reopened = new List<PayloadContent>();
        try
        {
            stored = await store.OpenAsync(forward.ConversationId, forward.Kind, timeout.Token);
            if (stored is null)
            {
                return AttemptOutcome.Final(Failed(number, started, clock, "the payload is no longer stored (deleted or past retention)"));
            }

            PostCallEvent e;
            if (forward.Kind == PayloadKind.Audio)
            {
                if (forward.AgentId is null)
                {
                    return AttemptOutcome.Final(Failed(number, started, clock, "the recording's delivery named no agent_id, which an audio event requires"));
                }

                // The first opening is the one made here; each later one opens the recording again.
                var handedOut = 0;
                var first = stored;
                e = new AudioEvent(forward.ConversationId.Value, forward.AgentId, forward.EventTimestamp, async ct =>
                {
                    if (Interlocked.Exchange(ref handedOut, 1) == 0)
                    {
                        return first.Stream;
                    }

                    var again = await store.OpenAsync(forward.ConversationId, PayloadKind.Audio, ct)
                        ?? throw new StorageException("The recording is no longer stored.");
                    lock (reopened)
                    {
                        reopened.Add(again);
                    }

                    return again.Stream;
                });
            }
            else
            {
                e = await stored.ReadEventAsync(timeout.Token);
            }

            await using var scope = scopes.CreateAsyncScope();
            var instance = (PostCallHandler)scope.ServiceProvider.GetRequiredService(handler.HandlerType);
            var context = new PostCallHandlerContext(handler.Name, forward.ConversationId.Value, forward.Kind.WireName, forward.Id, number,
                forward.Replay || forward.Attempts > forward.Step, forward.CreatedAt, forward.Fetched);
            var call = e switch
            {
                TranscriptionEvent t => instance.HandleTranscriptionAsync(t, context, timeout.Token),
                AudioEvent a => instance.HandleAudioAsync(a, context, timeout.Token),
                CallInitiationFailureEvent f => instance.HandleCallInitiationFailureAsync(f, context, timeout.Token),
                UnknownEvent u => instance.HandleUnknownAsync(u, context, timeout.Token),
                _ => throw new UnreachableException(),
            };
            // A handler that ignores its token still counts as failed at its timeout (it is left to finish on its own).
            await call.WaitAsync(timeout.Token);
            return AttemptOutcome.Final(new ForwardAttempt(number, started, clock.Elapsed, null, null, null, Succeeded: true));
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested && timeout.IsCancellationRequested)
        {
            return AttemptOutcome.Retry(Failed(number, started, clock, string.Create(CultureInfo.InvariantCulture,
                $"timed out after {destination.Timeout.TotalSeconds:0.#} s")), null);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            throw;
        }
        catch (JsonException ex)
        {
            // The bytes will not change: a retry would fail alike. Dead, and replayable once a newer version reads them.
            return AttemptOutcome.Final(Failed(number, started, clock, "the stored payload does not read as an event: " + ex.Message));
        }
        catch (StorageException ex)
        {
            return AttemptOutcome.Retry(Failed(number, started, clock, "the payload could not be read: " + ex.Message), null);
        }
        catch (Exception ex)
        {
            return AttemptOutcome.Retry(Failed(number, started, clock, $"{ex.GetType().FullName}: {ex.Message}"), null);
        }
        finally
        {
            if (stored is not null)
            {
                await stored.DisposeAsync();
            }

            foreach (var content in reopened)
            {
                await content.DisposeAsync();
            }
        }
    }

    private static ForwardAttempt Failed(int number, DateTimeOffset started, Stopwatch clock, string error) =>
        new(number, started, clock.Elapsed, null, null, error, Succeeded: false);
}
