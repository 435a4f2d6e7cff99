namespace Postcall.Tests.Support;

/// <summary>
/// The lines a child process writes, as they come, and waits for one that matches: a wait ends the moment its line
/// arrives (or the output ends), never by polling.
/// </summary>
public sealed class OutputLines
{
    private readonly Lock _lock = new();
    private readonly List<string> _lines = [];
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Found)> _waiting = [];
    private bool _ended;

    /// <summary>Every line so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lock)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>For a process's <c>OutputDataReceived</c>/<c>ErrorDataReceived</c>: a line, or null at the end.</summary>
    public void Add(string? line)
    {
        List<TaskCompletionSource<string>> found = [];
        List<TaskCompletionSource<string>> ended = [];
        lock (_lock)
        {
            if (line is null)
            {
                _ended = true;
                ended.AddRange(_waiting.Select(w => w.Found));
                _waiting.Clear();
            }
            else
            {
                _lines.Add(line);
                for (var i = _waiting.Count - 1; i >= 0; i--)
                {
                    if (_waiting[i].Match(line))
                    {
                        found.Add(_waiting[i].Found);
                        _waiting.RemoveAt(i);
                    }
                }
            }
        }

        foreach (var waiter in found)
        {
            waiter.TrySetResult(line!);
        }

        foreach (var waiter in ended)
        {
            waiter.TrySetException(new InvalidOperationException("the output ended before the line came: " + string.Join(" | ", Lines.TakeLast(10))));
        }
    }

    /// <summary>The first line, already written or still to come, that <paramref name="match"/> accepts.</summary>
    public async Task<string> WaitForAsync(Func<string, bool> match, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(match);
        Task<string> found;
        lock (_lock)
        {
            if (_lines.FirstOrDefault(match) is { } line)
            {
                return line;
            }

            if (_ended)
            {
                throw new InvalidOperationException("the output ended before the line came: " + string.Join(" | ", _lines.TakeLast(10)));
            }

            var waiter = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Add((match, waiter));
            found = waiter.Task;
        }

        try
        {
            return await found.WaitAsync(timeout, TestContext.Current.CancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"no such line within {timeout.TotalSeconds} s; the last ones: " + string.Join(" | ", Lines.TakeLast(10)));
        }
    }
}
