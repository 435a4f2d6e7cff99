using Postcall.Coordination;

namespace Postcall.Postgres;

/// <summary>
/// Leases in <c>postcall_leases</c>: a job's row names its holder and an expiry a minute ahead, renewed every 20
/// seconds while the job runs. A holder that dies simply stops renewing; once the row expires any instance may take it.
/// </summary>
internal sealed class PostgresJobLeases(PostgresDatabase database) : IJobLeases
{
    public static readonly TimeSpan Term = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan RenewEvery = TimeSpan.FromSeconds(20);

    /// <summary>This process, as lease rows name it.</summary>
    private readonly string _holder = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    public async Task<JobLease?> TryAcquireAsync(string job, CancellationToken cancellationToken) =>
        await TakeAsync(job, cancellationToken) ? new Held(this, job) : null;

    /// <summary>Takes or renews the lease: free, expired or already ours.</summary>
    private Task<bool> TakeAsync(string job, CancellationToken cancellationToken) => database.RunAsync("lease", async connection =>
        await PostgresDatabase.Execute(connection, """
            INSERT INTO postcall_leases (job, holder, expires_at) VALUES (@job, @holder, now() + @term)
            ON CONFLICT (job) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
            WHERE postcall_leases.expires_at < now() OR postcall_leases.holder = excluded.holder;
            """, cancellationToken, ("job", job), ("holder", _holder), ("term", Term)) == 1);

    private Task<int> ReleaseAsync(string job) => database.RunAsync("lease", async connection =>
        await PostgresDatabase.Execute(connection, "DELETE FROM postcall_leases WHERE job = @job AND holder = @holder;",
            CancellationToken.None, ("job", job), ("holder", _holder)));

    private sealed class Held : JobLease
    {
        private readonly PostgresJobLeases _leases;
        private readonly string _job;
        private readonly CancellationTokenSource _lost = new();
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _renewing;

        public Held(PostgresJobLeases leases, string job)
        {
            _leases = leases;
            _job = job;
            _renewing = RenewAsync();
        }

        public override CancellationToken Lost => _lost.Token;

        private async Task RenewAsync()
        {
            try
            {
                while (true)
                {
                    await Task.Delay(RenewEvery, _stop.Token);
                    if (!await _leases.TakeAsync(_job, _stop.Token))
                    {
                        break;
                    }
                }
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (DatabaseUnavailableException)
            {
                // Could not renew: another instance may take it after expiry, so this one must stop.
            }

            await _lost.CancelAsync();
        }

        public override async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _renewing;
            try
            {
                await _leases.ReleaseAsync(_job);
            }
            catch (DatabaseUnavailableException)
            {
                // It expires on its own.
            }

            _lost.Dispose();
            _stop.Dispose();
            GC.SuppressFinalize(this);
        }
    }
}
