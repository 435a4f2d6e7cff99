namespace Postcall.Coordination;

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
