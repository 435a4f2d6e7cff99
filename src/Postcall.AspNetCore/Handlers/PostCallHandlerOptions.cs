namespace Postcall.Handlers;

/// <summary>Which calls a handler is given, and how it is run.</summary>
public sealed class PostCallHandlerOptions
{
    /// <summary>
    /// The kinds it is given: <c>transcription</c>, <c>audio</c>, <c>failure</c>, <c>other</c>. Empty: every kind.
    /// </summary>
    public IList<string> Kinds { get; } = new List<string>();

    /// <summary>The agents whose calls it is given. Empty: every agent's.</summary>
    public IList<string> AgentIds { get; } = new List<string>();

    /// <summary>How long one attempt may take before it counts as failed and is retried; 30 seconds unless set, at most 10 minutes.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>At most this many calls of it at once, on each instance; 4 unless set, at most 64.</summary>
    public int Concurrency { get; set; } = 4;
}
