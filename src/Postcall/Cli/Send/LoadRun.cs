using System.Collections.Concurrent;
using System.Diagnostics;

namespace Postcall.Cli.Send;

/// <summary>Sends N distinct deliveries, C at a time, and sums up what came back.</summary>
internal static class LoadRun
{
    public static async Task<LoadSummary> RunAsync(DeliverySender sender, Func<int, OutgoingDelivery> build, int total, int concurrency,
        ProgressBar? progress, CancellationToken cancellationToken)
    {
        var results = new ConcurrentBag<DeliveryResult>();
        var started = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(Enumerable.Range(0, total), new ParallelOptions { MaxDegreeOfParallelism = concurrency, CancellationToken = cancellationToken },
            async (index, ct) =>
            {
                results.Add(await sender.SendAsync(build(index), ct));
                progress?.Advance();
            });
        progress?.Finish();
        return new LoadSummary([.. results], Stopwatch.GetElapsedTime(started));
    }
}
