namespace Postcall.Storage.Files;

/// <summary>
/// Runs the blocking steps of making a payload durable (fsync, mkdir, rename) on threads of their own. fsync has no
/// asynchronous form: on the thread pool a burst of deliveries would wait on the disk a few at a time and starve
/// request processing. Here up to <see cref="MaxThreads"/> wait together, which also lets the file system fold their
/// journal commits into one. Threads start on demand, so an idle service holds none, and wait on a monitor rather
/// than spinning (a spinning queue cost about twenty sched_yield calls per delivery).
/// </summary>
internal sealed class DurableIo
{
    public const int MaxThreads = 64;

    private readonly Queue<Action> _work = new();
    private readonly object _gate = new();
    private int _threads;
    private int _waiting;

    public static DurableIo Shared { get; } = new();

    public Task<T> RunAsync<T>(Func<T> step)
    {
        ArgumentNullException.ThrowIfNull(step);
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Run()
        {
            try
            {
                done.SetResult(step());
            }
            catch (Exception e)
            {
                done.SetException(e);
            }
        }

        lock (_gate)
        {
            _work.Enqueue(Run);
            if (_waiting > 0)
            {
                Monitor.Pulse(_gate);
            }
            else if (_threads < MaxThreads)
            {
                _threads++;
                new Thread(Work) { IsBackground = true, Name = "postcall-durable-io" }.Start();
            }
        }

        return done.Task;
    }

    private void Work()
    {
        while (true)
        {
            Action step;
            lock (_gate)
            {
                while (_work.Count == 0)
                {
                    _waiting++;
                    Monitor.Wait(_gate);
                    _waiting--;
                }

                step = _work.Dequeue();
            }

            step();
        }
    }
}
