using Microsoft.EntityFrameworkCore;
using Postcall.ElevenLabs;
using Postcall.Handlers;

namespace Embed;

/// <summary>
/// Keeps every call in the app's own table. Postcall calls it at least once per call, after the call is stored: the
/// unique delivery id, written in the same transaction as the row, makes a repeated call harmless.
/// </summary>
public sealed class CallRecorder(CallsDb db, ILogger<CallRecorder> logger) : PostCallHandler
{
    public override Task HandleTranscriptionAsync(TranscriptionEvent transcription, PostCallHandlerContext context, CancellationToken cancellationToken) =>
        RecordAsync(context, transcription.AgentId, transcription.Data.Analysis?.TranscriptSummary, null, cancellationToken);

    public override async Task HandleAudioAsync(AudioEvent audio, PostCallHandlerContext context, CancellationToken cancellationToken)
    {
        // A recording is a stream: count it here; an app would copy it to its own storage.
        await using var mp3 = await audio.OpenAudioAsync(cancellationToken);
        var buffer = new byte[81920];
        long bytes = 0;
        int read;
        while ((read = await mp3.ReadAsync(buffer, cancellationToken)) > 0)
        {
            bytes += read;
        }

        await RecordAsync(context, audio.AgentId, null, bytes, cancellationToken);
    }

    public override Task HandleCallInitiationFailureAsync(CallInitiationFailureEvent failure, PostCallHandlerContext context, CancellationToken cancellationToken) =>
        RecordAsync(context, failure.AgentId, failure.Data.FailureReason, null, cancellationToken);

    private async Task RecordAsync(PostCallHandlerContext context, string? agentId, string? summary, long? recordingBytes, CancellationToken cancellationToken)
    {
        var triedBefore = await db.HandlerAttempts.AnyAsync(a => a.DeliveryId == context.DeliveryId, cancellationToken);
        db.HandlerAttempts.Add(new HandlerAttempt { DeliveryId = context.DeliveryId, ConversationId = context.ConversationId, Attempt = context.Attempt });
        await db.SaveChangesAsync(cancellationToken);

        // A stand-in for slow work downstream, the first time only: the sample's test kills the app while it waits here.
        if (context.ConversationId.StartsWith("slow-", StringComparison.Ordinal) && !triedBefore)
        {
            await Task.Delay(TimeSpan.FromMinutes(2), cancellationToken);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (await db.HandledCalls.AnyAsync(c => c.DeliveryId == context.DeliveryId, cancellationToken))
        {
            logger.LogInformation("Delivery {DeliveryId} was handled before; nothing to do", context.DeliveryId);
            return;
        }

        db.HandledCalls.Add(new HandledCall
        {
            DeliveryId = context.DeliveryId,
            ConversationId = context.ConversationId,
            Kind = context.Kind,
            AgentId = agentId,
            Summary = summary,
            RecordingBytes = recordingBytes,
        });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
