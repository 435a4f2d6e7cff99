namespace Postcall.Tests.Cli;

/// <summary>A thread-safe capture that can be awaited until some text has been written.</summary>
internal sealed class SignalingWriter : StringWriter
{
    private readonly Lock _gate = new();
    private readonly List<(string Text, TaskCompletionSource Seen)> _waits = [];

    public Task WaitForAsync(string text, TimeSpan timeout)
    {
        lock (_gate)
        {
            if (base.ToString().Contains(text, StringComparison.Ordinal))
            {
                return Task.CompletedTask;
            }

            var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waits.Add((text, seen));
            return seen.Task.WaitAsync(timeout);
        }
    }

    public override void Write(char value)
    {
        lock (_gate)
        {
            base.Write(value);
            Signal();
        }
    }

    public override void Write(string? value)
    {
        lock (_gate)
        {
            base.Write(value);
            Signal();
        }
    }

    public override void WriteLine(string? value)
    {
        lock (_gate)
        {
            base.WriteLine(value);
            Signal();
        }
    }

    public override Task WriteLineAsync(string? value)
    {
        WriteLine(value);
        return Task.CompletedTask;
    }

    public override string ToString()
    {
        lock (_gate)
        {
            return base.ToString();
        }
    }

    private void Signal()
    {
        var text = base.ToString();
        foreach (var wait in _waits.Where(w => text.Contains(w.Text, StringComparison.Ordinal)).ToList())
        {
            wait.Seen.TrySetResult();
            _waits.Remove(wait);
        }
    }
}
