namespace Postcall.Receiving;

/// <param name="PerClient">Bodies one client may have spooling at once.</param>
/// <param name="MaxBytes">Unverified bytes all clients together may have on disk.</param>
/// <param name="MaxBodies">Bodies all clients together may have spooling at once.</param>
/// <param name="MinFreeBytes">Free space a body may not bring the disk below.</param>
/// <param name="Wait">How long a body waits for its client's place before it is refused.</param>
internal sealed record AdmissionLimits(int PerClient, long MaxBytes, int MaxBodies, long MinFreeBytes, TimeSpan Wait)
{
    public const int DefaultPerClient = 8;
    public const long DefaultMaxBytes = 2L * 1024 * 1024 * 1024;
    public const int DefaultMaxBodies = 256;
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(30);
}
