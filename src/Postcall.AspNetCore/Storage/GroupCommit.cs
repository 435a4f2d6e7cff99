using System.Threading.Channels;

namespace Postcall.Storage;

/// <summary>
/// Group commit, the one way Postcall makes many concurrent writers durable with few flushes. Callers queue a step;
/// one loop takes everything queued while the previous flush ran as the next batch, runs each step in turn, flushes
/// once, and only then completes the callers of that batch. A caller whose step was queued during a flush waits for
/// the next one, so a completed call always means: a flush that began after this step ran has finished.
/// <para>
/// Two media use it: the payload files (<see cref="Files.FileSystemFlush"/>: no step, the flush is <c>syncfs</c>)
/// and the forwarding outbox on one machine (each step a savepoint of one SQLite transaction, the flush its commit).
/// </para>
/// </summary>
/// <typeparam name="TBatch">What the steps of one batch share: a transaction, or nothing.</typeparam>
internal abstract class GroupCommit<TBatch> : IAsyncDisposable
{
    private readonly Channel<Queued> _queue = Channel.CreateUnbounded<Queued>(new UnboundedChannelOptions { SingleReader = true });
    private readonly int _maxBatch;
    private readonly Task _loop;

    protected GroupCommit(int maxBatch)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        _maxBatch = maxBatch;
        // It only waits until a caller queues something, which cannot happen before construction ends.
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>How many batches have been flushed: lets a test or a benchmark see that flushes were shared.</summary>
    public long Flushes => Interlocked.Read(ref _flushes);

    private long _flushes;

    /// <summary>Waits until a flush that began after this call has finished.</summary>
    public Task FlushAsync(CancellationToken cancellationToken = default) => RunAsync<bool>(null, cancellationToken);

    /// <summary>
    /// Runs <paramref name="step"/> in the next batch and returns its result once that batch is flushed. A step that
    /// throws fails its caller alone (see <see cref="RunStepAsync"/>); a flush that fails fails the whole batch.
    /// </summary>
    public async Task<T> RunAsync<T>(Func<TBatch, Task<T>>? step, CancellationToken cancellationToken = default)
    {
        var result = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        T value = default!;
        var queued = new Queued(
            step is null ? null : async batch => value = await step(batch),
            () => result.TrySetResult(value),
            e => result.TrySetException(e),
            cancellationToken);
        if (!_queue.Writer.TryWrite(queued))
        {
            throw Closed();
        }

        return await result.Task;
    }

    /// <summary>Starts what a batch shares (a transaction); nothing by default.</summary>
    protected abstract Task<TBatch> BeginAsync();

    /// <summary>
    /// Runs one caller's step inside the batch. Override to isolate steps from one another (a savepoint): an exception
    /// that escapes here fails only this caller, unless <see cref="FailsBatch"/> says it spoils the batch.
    /// </summary>
    protected virtual Task RunStepAsync(TBatch batch, Func<TBatch, Task> work) => work(batch);

    /// <summary>Makes every step of the batch durable at once. An exception fails every caller in the batch.</summary>
    protected abstract Task FlushAsync(TBatch batch);

    /// <summary>Releases what <see cref="BeginAsync"/> took, after the flush or after a failure.</summary>
    protected virtual ValueTask EndAsync(TBatch batch) => ValueTask.CompletedTask;

    /// <summary>True when a step's exception means the batch itself cannot be made durable (a full disk).</summary>
    protected virtual bool FailsBatch(Exception exception) => false;

    /// <summary>The exception callers see when a step or the flush failed; by default the exception itself.</summary>
    protected virtual Exception Failure(Exception exception) => exception;

    /// <summary>What a caller sees after <see cref="DisposeAsync"/>.</summary>
    protected abstract Exception Closed();

    private async Task LoopAsync()
    {
        var batch = new List<Queued>();
        var done = new List<Queued>();
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            done.Clear();
            while (batch.Count < _maxBatch && _queue.Reader.TryRead(out var next))
            {
                batch.Add(next);
            }

            await RunBatchAsync(batch, done);
        }
    }

    private async Task RunBatchAsync(List<Queued> batch, List<Queued> done)
    {
        Exception? batchFailure = null;
        TBatch shared = default!;
        var begun = false;
        try
        {
            shared = await BeginAsync();
            begun = true;
            foreach (var item in batch)
            {
                if (item.Token.IsCancellationRequested)
                {
                    item.Fail(new OperationCanceledException(item.Token));
                    continue;
                }

                if (item.Step is null)
                {
                    done.Add(item);
                    continue;
                }

                try
                {
                    await RunStepAsync(shared, item.Step);
                    done.Add(item);
                }
                catch (Exception e) when (!FailsBatch(e))
                {
                    item.Fail(Failure(e));
                }
            }

            await FlushAsync(shared);
            Interlocked.Increment(ref _flushes);
        }
        catch (Exception e)
        {
            // The batch is not durable: nobody in it is answered as if it were.
            batchFailure = Failure(e);
        }
        finally
        {
            if (begun)
            {
                try
                {
                    await EndAsync(shared);
                }
                catch (Exception e) when (batchFailure is null)
                {
                    batchFailure = Failure(e);
                }
            }
        }

        foreach (var item in batchFailure is null ? done : batch)
        {
            if (batchFailure is null)
            {
                item.Succeed();
            }
            else
            {
                item.Fail(batchFailure);
            }
        }
    }

    /// <summary>Lets the queued batches finish, then stops; later calls fail with <see cref="Closed"/>.</summary>
    public virtual async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;

        GC.SuppressFinalize(this);
    }

    private sealed record Queued(Func<TBatch, Task>? Step, Action Succeed, Action<Exception> Fail, CancellationToken Token);
}
