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
