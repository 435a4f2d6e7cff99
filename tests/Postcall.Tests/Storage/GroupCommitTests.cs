using Postcall.Storage;

namespace Postcall.Tests.Storage;

/// <summary>The rules of the loop both durable writers share: what a completed call promises, and who fails with whom.</summary>
public sealed class GroupCommitTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>Records every step and flush in order; a flush can be held open, or made to fail.</summary>
    private sealed class Recorder() : GroupCommit<List<string>>(maxBatch: 1000)
    {
        private readonly object _gate = new();

        public List<string> Log { get; } = [];

        public TaskCompletionSource? Hold { get; set; }

        public TaskCompletionSource FlushStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>A flush whose batch holds a step named with this prefix fails.</summary>
        public string? FailBatchesWith { get; set; }

        public void Add(string entry)
        {
            lock (_gate)
            {
                Log.Add(entry);
            }
        }

        protected override Task<List<string>> BeginAsync() => Task.FromResult(new List<string>());

        protected override async Task FlushAsync(List<string> batch)
        {
            Add($"flush({string.Join(",", batch)})");
            FlushStarted.TrySetResult();
            if (Hold is { } hold)
            {
                await hold.Task;
            }

            if (FailBatchesWith is { } prefix && batch.Any(step => step.StartsWith(prefix, StringComparison.Ordinal)))
            {
                throw new IOException("the disk said no");
            }
        }

        protected override Exception Closed() => new ObjectDisposedException(nameof(Recorder));
    }

    private static Func<List<string>, Task<string>> Step(string name) => batch =>
    {
        batch.Add(name);
        return Task.FromResult(name);
    };

    [Fact]
    public async Task Callers_queued_together_share_one_flush_and_get_their_own_results()
    {
        await using var commit = new Recorder { Hold = new(TaskCreationOptions.RunContinuationsAsynchronously) };
        var first = commit.RunAsync(Step("first"), Cancel);
        await commit.FlushStarted.Task.WaitAsync(TimeSpan.FromSeconds(10), Cancel);

        // Queued while a flush runs: they wait for the next one, which they share.
        var rest = Enumerable.Range(0, 5).Select(i => commit.RunAsync(Step($"s{i}"), Cancel)).ToList();
        var bare = commit.FlushAsync(Cancel);
        await Task.Delay(100, Cancel);
        Assert.False(rest.Any(t => t.IsCompleted) || bare.IsCompleted, "a caller queued during a flush was answered by it");

        commit.Hold.SetResult();
        Assert.Equal("first", await first);
        Assert.Equal(["s0", "s1", "s2", "s3", "s4"], await Task.WhenAll(rest));
        await bare;
        Assert.Equal(["flush(first)", "flush(s0,s1,s2,s3,s4)"], commit.Log);
        Assert.Equal(2, commit.Flushes);
    }

    [Fact]
    public async Task A_failing_step_fails_its_caller_alone()
    {
        await using var commit = new Recorder { Hold = new(TaskCreationOptions.RunContinuationsAsynchronously) };
        var blocker = commit.FlushAsync(Cancel);
        await commit.FlushStarted.Task.WaitAsync(TimeSpan.FromSeconds(10), Cancel);
        var good = commit.RunAsync(Step("good"), Cancel);
        var bad = commit.RunAsync<string>(_ => throw new InvalidOperationException("this caller's own mistake"), Cancel);
        commit.Hold.SetResult();

        await blocker;
        Assert.Equal("good", await good);
        await Assert.ThrowsAsync<InvalidOperationException>(() => bad);
        Assert.Equal("flush(good)", commit.Log[^1]);
    }

    [Fact]
    public async Task A_failing_flush_fails_everyone_in_its_batch_and_the_next_batch_is_unaffected()
    {
        await using var commit = new Recorder { Hold = new(TaskCreationOptions.RunContinuationsAsynchronously), FailBatchesWith = "doomed" };
        var blocker = commit.FlushAsync(Cancel);
        await commit.FlushStarted.Task.WaitAsync(TimeSpan.FromSeconds(10), Cancel);
        // Queued during the held flush, so one batch: one of them makes its flush fail, and none is told otherwise.
        var batch = new[] { commit.RunAsync(Step("a"), Cancel), commit.RunAsync(Step("doomed"), Cancel), commit.RunAsync(Step("b"), Cancel) };
        commit.Hold.SetResult();

        await blocker;
        foreach (var caller in batch)
        {
            await Assert.ThrowsAsync<IOException>(() => caller);
        }

        Assert.Equal("after", await commit.RunAsync(Step("after"), Cancel));
        Assert.Equal(["flush()", "flush(a,doomed,b)", "flush(after)"], commit.Log);
    }

    [Fact]
    public async Task After_dispose_a_caller_is_refused_and_what_was_queued_finished()
    {
        var commit = new Recorder();
        var queued = commit.RunAsync(Step("queued"), Cancel);
        await commit.DisposeAsync();
        Assert.Equal("queued", await queued);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => commit.FlushAsync(Cancel));
    }
}
