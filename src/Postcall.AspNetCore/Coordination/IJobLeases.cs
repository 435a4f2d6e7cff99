namespace Postcall.Coordination;

/// <summary>
/// Who may run a background job (the retention sweep, the catch-up of the index, a reindex) now. With one instance
/// per store, that instance always may (<see cref="LocalJobLeases"/>); instances sharing a database take a lease
/// there, so one runs the job at a time and another takes over when the holder dies (<c>PostgresJobLeases</c> (Postcall.PostgreSql)).
/// </summary>
internal interface IJobLeases
{
    /// <summary>The lease of <paramref name="job"/> for this process, or null when another holds it.</summary>
    Task<JobLease?> TryAcquireAsync(string job, CancellationToken cancellationToken);
}

/// <summary>A held lease. <see cref="Lost"/> fires if it could not be kept (the job must stop); disposing gives it back.</summary>
internal abstract class JobLease : IAsyncDisposable
{
    public abstract CancellationToken Lost { get; }

    public abstract ValueTask DisposeAsync();
}

/// <summary>One instance per store: every job is always this process's to run.</summary>
internal sealed class LocalJobLeases : IJobLeases
{
    public Task<JobLease?> TryAcquireAsync(string job, CancellationToken cancellationToken) => Task.FromResult<JobLease?>(new Held());

    private sealed class Held : JobLease
    {
        public override CancellationToken Lost => CancellationToken.None;

        public override ValueTask DisposeAsync()
        {
            GC.SuppressFinalize(this);
            return ValueTask.CompletedTask;
        }
    }
}
