using System.Collections.Concurrent;

namespace Postcall.Storage;

/// <summary>
/// Runs the blocking steps of making a payload durable (fsync, mkdir, rename) on threads of their own. fsync has no
/// asynchronous form: on the thread pool a burst of deliveries would wait on the disk a few at a time and starve
/// request processing. Here up to <see cref="MaxThreads"/> wait together, which also lets the file system fold their
/// journal commits into one. Threads start on demand, so an idle service holds none.
/// </summary>
public sealed class DurableIo
{
    public const int MaxThreads = 64;

    private readonly BlockingCollection<Action> _work = [];
    private int _threads;
    private int _idle;

    public static DurableIo Shared { get; } = new();

    public Task<T> RunAsync<T>(Func<T> step)
    {
        ArgumentNullException.ThrowIfNull(step);
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Add(() =>
        {
            try
            {
                done.SetResult(step());
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        });
        if (Volatile.Read(ref _idle) == 0)
        {
            StartThreadIfRoom();
        }

        return done.Task;
    }

    private void StartThreadIfRoom()
    {
        if (Interlocked.Increment(ref _threads) > MaxThreads)
        {
            Interlocked.Decrement(ref _threads);
            return;
        }

        new Thread(Work) { IsBackground = true, Name = "postcall-durable-io" }.Start();
    }

    private void Work()
    {
        while (true)
        {
            Interlocked.Increment(ref _idle);
            var step = _work.Take();
            Interlocked.Decrement(ref _idle);
            step();
        }
    }
}
