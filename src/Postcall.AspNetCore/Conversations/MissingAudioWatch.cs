using Postcall.Index;
using Postcall.Observability;

namespace Postcall.Conversations;

/// <summary>
/// Counts, every minute, the calls whose transcription said <c>has_audio: true</c> but whose recording has not
/// arrived 15 minutes later, for <c>postcall_calls_awaiting_audio</c>. ElevenLabs never retries audio: a recording
/// lost in transit is gone, and this is how anyone finds out.
/// </summary>
internal sealed class MissingAudioWatch(IConversationIndex index, PostcallMetrics metrics, TimeProvider time) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await index.WhenOpenedAsync(stoppingToken);
            while (!stoppingToken.IsCancellationRequested)
            {
                // The first count waits a round too: start-up has better things to do.
                await Task.Delay(Interval, time, stoppingToken);
                try
                {
                    metrics.AwaitingAudio(await CountAsync(stoppingToken));
                }
                catch (IndexUnavailableException)
                {
                    // Counted again at the next round; the index logs its own trouble.
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        var query = new ConversationQuery
        {
            AudioMissingBefore = (time.GetUtcNow() - ConversationFacts.AudioWait).ToUnixTimeMilliseconds(),
            Limit = ConversationQuery.MaxLimit,
        };
        long count = 0;
        while (true)
        {
            var page = await index.ListAsync(query, cancellationToken);
            count += page.Items.Count;
            if (page.Next is not { } next)
            {
                return count;
            }

            query = query with { After = next };
        }
    }
}
