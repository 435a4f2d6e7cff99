namespace Postcall.Reconciling;

/// <summary>A sweep as the API answers it.</summary>
internal sealed record SweepView(
    string Id,
    string Trigger,
    string Status,
    DateTimeOffset Since,
    DateTimeOffset Until,
    IReadOnlyList<string> AgentIds,
    bool DryRun,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    SweepReport Report)
{
    public static SweepView From(SweepRecord sweep)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        return new(sweep.Id, sweep.Trigger, sweep.Status, DateTimeOffset.FromUnixTimeSeconds(sweep.Since), DateTimeOffset.FromUnixTimeSeconds(sweep.Until),
            sweep.Agents, sweep.DryRun, sweep.StartedAt, sweep.FinishedAt, sweep.Report);
    }
}
