using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

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

internal sealed record LoadSummary(IReadOnlyList<DeliveryResult> Results, TimeSpan Elapsed)
{
    public int Ok => Results.Count(r => r.Ok);

    public int Failed => Results.Count - Ok;

    public int Duplicates => Results.Count(r => r.Duplicate);

    public override string ToString()
    {
        var latencies = Results.Select(r => r.Elapsed.TotalMilliseconds).Order().ToArray();
        double Percentile(double p) => latencies.Length == 0 ? 0 : latencies[Math.Min(latencies.Length - 1, (int)Math.Ceiling(p * latencies.Length) - 1)];
        var line = string.Create(CultureInfo.InvariantCulture,
            $"sent {Results.Count}  ok {Ok}  failed {Failed}  duplicates {Duplicates}  in {Elapsed.TotalSeconds:0.00} s  ({Results.Count / Math.Max(Elapsed.TotalSeconds, 1e-9):0.0} req/s)  p50 {Percentile(0.5):0.0} ms  p99 {Percentile(0.99):0.0} ms");
        var failures = Results.Where(r => !r.Ok).GroupBy(r => $"{r.StatusCode} {r.ErrorCode}".TrimEnd())
            .Select(g => $"{g.Key} x{g.Count()}").ToList();
        return failures.Count == 0 ? line : line + Environment.NewLine + "failures: " + string.Join(", ", failures);
    }
}
