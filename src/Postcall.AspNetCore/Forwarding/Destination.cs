using Postcall.Storage;

namespace Postcall.Forwarding;

/// <summary>Where calls are forwarded, which of them, and how.</summary>
internal sealed record Destination
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(10);
    public const int DefaultConcurrency = 4;
    public const int MaxConcurrency = 64;

    /// <summary>The kinds a destination may name; none named means every kind.</summary>
    public static readonly IReadOnlyList<string> KindNames = ["transcription", "audio", "failure", "other"];

    public required string Id { get; init; }

    public required Uri Url { get; init; }

    /// <summary>Which payload kinds it receives (<see cref="KindNames"/>); empty: all of them.</summary>
    public IReadOnlyList<string> Kinds { get; init; } = [];

    /// <summary>Which agents' calls it receives; empty: every agent's.</summary>
    public IReadOnlyList<string> AgentIds { get; init; } = [];

    /// <summary>A paused destination keeps its forwards pending and is sent nothing until it is resumed.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>The Standard Webhooks signing secret, <c>whsec_</c> + base64.</summary>
    public required string Secret { get; init; }

    /// <summary>Extra request headers, such as the receiver's own <c>Authorization</c>. Values are secrets.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    public TimeSpan Timeout { get; init; } = DefaultTimeout;

    /// <summary>At most this many requests to it at once, from each instance.</summary>
    public int Concurrency { get; init; } = DefaultConcurrency;

    /// <summary>Audio goes as a small JSON with a signed download link instead of the recording itself.</summary>
    public bool AudioAsLink { get; init; }

    /// <summary><see cref="DestinationSource.Environment"/>: from <c>POSTCALL_FORWARD_URLS</c>, trusted, changed only there.</summary>
    public DestinationSource Source { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>The URL a handler's destination names it by: <c>postcall-handler:&lt;name&gt;</c>. Nothing is sent there.</summary>
    public const string HandlerScheme = "postcall-handler";

    public static string HandlerIdOf(string handlerName) => "handler_" + handlerName;

    public static Uri HandlerUrlOf(string handlerName) => new($"{HandlerScheme}:{handlerName}");

    public bool Accepts(PayloadKind kind, string? agentId) =>
        (Kinds.Count == 0 || Kinds.Contains(kind.WireName, StringComparer.Ordinal))
        && (AgentIds.Count == 0 || (agentId is not null && AgentIds.Contains(agentId, StringComparer.Ordinal)));
}
