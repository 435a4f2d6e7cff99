namespace Postcall.Coordination;

/// <summary>A held lease. <see cref="Lost"/> fires if it could not be kept (the job must stop); disposing gives it back.</summary>
internal abstract class JobLease : IAsyncDisposable
{
    public abstract CancellationToken Lost { get; }

    public abstract ValueTask DisposeAsync();
}
