namespace Postcall.Cli.Send;

/// <summary>A one-line progress bar, redrawn in place on a terminal.</summary>
internal sealed class ProgressBar(TextWriter terminal, int total)
{
    private const int Width = 30;
    private readonly Lock _gate = new();
    private int _done;

    public void Advance()
    {
        lock (_gate)
        {
            _done++;
            // Redraw about a hundred times at most, however many deliveries.
            if (_done == total || _done % Math.Max(1, total / 100) == 0)
            {
                var filled = _done * Width / total;
                terminal.Write($"\r[{new string('#', filled)}{new string(' ', Width - filled)}] {_done}/{total}");
            }
        }
    }

    public void Finish()
    {
        lock (_gate)
        {
            terminal.WriteLine();
        }
    }
}
