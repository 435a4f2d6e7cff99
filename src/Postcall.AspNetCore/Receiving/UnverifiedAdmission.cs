using System.Net;

namespace Postcall.Receiving;

/// <summary>
/// Bounds what deliveries cost before their signature is known. A body must be spooled whole before its HMAC can be
/// checked, so anyone who can copy the header's shape (a current <c>t</c>, any 64-hex <c>v0</c>) could otherwise fill
/// the disk. Three bounds:
/// <list type="bullet">
/// <item>per client, at most <see cref="AdmissionLimits.PerClient"/> bodies spooling at once; a further one waits for a
/// place (up to <see cref="AdmissionLimits.Wait"/>) without its body being read, then is refused. Waiting, not refusing,
/// is what lets a burst of genuine audio from one sender through: each place frees as a body completes.</item>
/// <item>overall, at most <see cref="AdmissionLimits.MaxBytes"/> unverified bytes and <see cref="AdmissionLimits.MaxBodies"/>
/// bodies; past either, a delivery is refused at once.</item>
/// <item>free space: a body may not bring the disk below <see cref="AdmissionLimits.MinFreeBytes"/>.</item>
/// </list>
/// A client is an address; IPv6 clients count by their /64, which one host can fill with addresses. A client whose
/// signature checked out within the last hour has proven it holds the secret: it may have
/// <see cref="ProvenFactor"/> times as many bodies arriving, so a burst of ElevenLabs' recordings from one of its
/// addresses is not held back by the bound meant for strangers.
/// </summary>
internal sealed class UnverifiedAdmission(AdmissionLimits limits, Func<long> freeBytes)
{
    /// <summary>How many times <see cref="AdmissionLimits.PerClient"/> a proven client may have arriving.</summary>
    public const int ProvenFactor = 8;

    /// <summary>How many bytes may be spooled between two looks at the free space.</summary>
    private const long FreeSpaceCheckInterval = 16L * 1024 * 1024;

    /// <summary>How long a client stays proven after its last verified body, and how many are remembered.</summary>
    private const long ProvenForMilliseconds = 60 * 60 * 1000;
    private const int MaxProven = 4096;

    private readonly Lock _gate = new();
    private readonly Dictionary<IPAddress, Partition> _partitions = [];
    private readonly Dictionary<IPAddress, long> _provenUntil = [];
    private int _bodies;
    private long _bytes;

    public AdmissionLimits Limits => limits;

    /// <summary>Unverified bytes on disk right now, for the metrics.</summary>
    public long Bytes
    {
        get
        {
            lock (_gate)
            {
                return _bytes;
            }
        }
    }

    /// <summary>Bodies holding a place right now, for the metrics.</summary>
    public int Bodies
    {
        get
        {
            lock (_gate)
            {
                return _bodies;
            }
        }
    }

    /// <summary>Takes a place for one body from <paramref name="client"/>, waiting for one if the client has none free.</summary>
    public async Task<Admission> EnterAsync(IPAddress client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var key = PartitionOf(client);
        TaskCompletionSource waiter;
        lock (_gate)
        {
            if (_bodies >= limits.MaxBodies)
            {
                return new Admission(null, SpoolRefusal.Busy);
            }

            var partition = PartitionFor(key);
            if (partition.Active < PlacesFor(key))
            {
                partition.Active++;
                _bodies++;
                return new Admission(new Ticket(this, key), null);
            }

            waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            partition.Waiters.Enqueue(waiter);
        }

        try
        {
            await waiter.Task.WaitAsync(limits.Wait, cancellationToken);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            lock (_gate)
            {
                // A place handed over just as the wait ended is taken, not lost.
                if (!waiter.Task.IsCompletedSuccessfully)
                {
                    waiter.TrySetCanceled(CancellationToken.None);
                    ForgetIfIdle(key);
                    if (e is OperationCanceledException)
                    {
                        throw;
                    }

                    return new Admission(null, SpoolRefusal.ClientBusy);
                }
            }
        }

        return new Admission(new Ticket(this, key), null);
    }

    private Partition PartitionFor(IPAddress key)
    {
        if (!_partitions.TryGetValue(key, out var partition))
        {
            partition = new Partition();
            _partitions[key] = partition;
        }

        return partition;
    }

    private int PlacesFor(IPAddress key) =>
        _provenUntil.TryGetValue(key, out var until) && until > Environment.TickCount64 ? limits.PerClient * ProvenFactor : limits.PerClient;

    private void Prove(IPAddress key)
    {
        lock (_gate)
        {
            var now = Environment.TickCount64;
            if (_provenUntil.Count >= MaxProven && !_provenUntil.ContainsKey(key))
            {
                foreach (var stale in _provenUntil.Where(p => p.Value <= now).Select(p => p.Key).ToList())
                {
                    _provenUntil.Remove(stale);
                }

                if (_provenUntil.Count >= MaxProven)
                {
                    return; // remembering more would let forged addresses cost memory; the bound for strangers applies
                }
            }

            _provenUntil[key] = now + ProvenForMilliseconds;
            // More places now: hand them to whoever of this client is waiting.
            if (_partitions.TryGetValue(key, out var partition))
            {
                while (partition.Active < PlacesFor(key) && _bodies < limits.MaxBodies && partition.Waiters.TryDequeue(out var next))
                {
                    if (next.TrySetResult())
                    {
                        partition.Active++;
                        _bodies++;
                    }
                }
            }
        }
    }

    private bool HasRoomOnDisk(long bytes) => freeBytes() - bytes >= limits.MinFreeBytes;

    private bool TryReserve(long bytes, ref long held)
    {
        lock (_gate)
        {
            if (_bytes + bytes > limits.MaxBytes)
            {
                return false;
            }

            _bytes += bytes;
            held += bytes;
        }

        return true;
    }

    private void Leave(IPAddress key, long held)
    {
        lock (_gate)
        {
            _bytes -= held;
            _bodies--;
            var partition = _partitions[key];
            partition.Active--;
            // Hand the place to the longest waiter that is still waiting.
            while (partition.Waiters.TryDequeue(out var next))
            {
                if (next.TrySetResult())
                {
                    partition.Active++;
                    _bodies++;
                    break;
                }
            }

            ForgetIfIdle(key);
        }
    }

    private void ForgetIfIdle(IPAddress key)
    {
        if (_partitions.TryGetValue(key, out var partition) && partition.Active == 0 && partition.Waiters.All(w => w.Task.IsCompleted))
        {
            _partitions.Remove(key);
        }
    }

    private static IPAddress PartitionOf(IPAddress client)
    {
        if (client.IsIPv4MappedToIPv6)
        {
            return client.MapToIPv4();
        }

        if (client.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return client;
        }

        var bytes = client.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes);
    }

    /// <summary>The outcome of <see cref="EnterAsync"/>: a ticket, or why there is none.</summary>
    public readonly record struct Admission(Ticket? Ticket, SpoolRefusal? Refusal);

    /// <summary>One body's place, and the bytes it holds; disposing gives both back (once verified, or refused).</summary>
    public sealed class Ticket : IDisposable
    {
        private readonly UnverifiedAdmission _admission;
        private readonly IPAddress _key;
        private long _held;
        private long _checkedAt = -FreeSpaceCheckInterval;
        private bool _disposed;

        internal Ticket(UnverifiedAdmission admission, IPAddress key)
        {
            _admission = admission;
            _key = key;
        }

        /// <summary>The body's signature checked out: its client holds the secret.</summary>
        public void Verified() => _admission.Prove(_key);

        /// <summary>Counts <paramref name="bytes"/> more before they are written; null when they may be, else why not.</summary>
        public SpoolRefusal? Reserve(int bytes)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_held + bytes - _checkedAt >= FreeSpaceCheckInterval)
            {
                _checkedAt = _held + bytes;
                if (!_admission.HasRoomOnDisk(bytes))
                {
                    return SpoolRefusal.LowOnSpace;
                }
            }

            return _admission.TryReserve(bytes, ref _held) ? null : SpoolRefusal.Busy;
        }

        public void Dispose()
        {
            if (!_disposed)
            {
                _disposed = true;
                _admission.Leave(_key, _held);
            }
        }
    }

    private sealed class Partition
    {
        public int Active { get; set; }

        public Queue<TaskCompletionSource> Waiters { get; } = new();
    }
}
