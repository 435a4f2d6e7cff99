using System.Globalization;

namespace Postcall.Cli.Send;

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
