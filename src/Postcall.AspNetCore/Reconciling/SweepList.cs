namespace Postcall.Reconciling;

/// <summary>The recent sweeps, newest first.</summary>
internal sealed record SweepList(IReadOnlyList<SweepView> Sweeps);
