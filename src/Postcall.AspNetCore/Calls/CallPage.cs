namespace Postcall.Calls;

/// <summary>One page of <see cref="ICallArchive.ListAsync"/>.</summary>
public sealed class CallPage
{
    internal CallPage(IReadOnlyList<CallSummary> calls, string? nextCursor)
    {
        Calls = calls;
        NextCursor = nextCursor;
    }

    /// <summary>The calls, newest first.</summary>
    public IReadOnlyList<CallSummary> Calls { get; }

    /// <summary>Where the next page starts (<see cref="CallQuery.Cursor"/>); null on the last page.</summary>
    public string? NextCursor { get; }
}
