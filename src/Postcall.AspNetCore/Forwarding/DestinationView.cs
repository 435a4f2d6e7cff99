namespace Postcall.Forwarding;

/// <summary>
/// A destination as the API shows it. Its secret, header values and the parts of its URL that may carry credentials
/// (user-info, the query string: <c>?token=…</c>) only to admin key holders.
/// </summary>
internal sealed record DestinationView(
    string Id,
    string Url,
    IReadOnlyList<string> Kinds,
    IReadOnlyList<string> AgentIds,
    bool Enabled,
    string Source,
    string? Secret,
    IReadOnlyDictionary<string, string> Headers,
    double TimeoutSeconds,
    int Concurrency,
    bool AudioAsLink,
    DateTimeOffset CreatedAt,
    DestinationHealthView? Health)
{
    public const string Hidden = "(hidden: admin key only)";

    /// <summary>What stands for a part of a URL that only admin key holders see.</summary>
    public const string HiddenPart = "(hidden)";

    public static DestinationView From(Destination d, DestinationHealth? health, bool admin) => new(
        d.Id,
        admin ? d.Url.AbsoluteUri : ForReadKeys(d.Url),
        d.Kinds.Count == 0 ? Destination.KindNames : d.Kinds,
        d.AgentIds,
        d.Enabled,
        d.Source switch
        {
            DestinationSource.Environment => "environment",
            DestinationSource.RemovedFromEnvironment => "removed_from_environment",
            DestinationSource.Handler => "handler",
            _ => "api",
        },
        admin ? d.Secret : null,
        d.Headers.ToDictionary(h => h.Key, h => admin ? h.Value : Hidden, StringComparer.OrdinalIgnoreCase),
        d.Timeout.TotalSeconds,
        d.Concurrency,
        d.AudioAsLink,
        d.CreatedAt,
        health is null ? null : new DestinationHealthView(health.Pending, health.Dead, health.OldestPending, health.LastSuccess, health.FailingSince));

    /// <summary>The URL without what may be a credential: its user-info and query string each replaced by <see cref="HiddenPart"/>.</summary>
    public static string ForReadKeys(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        var shown = url.GetComponents(UriComponents.Scheme | UriComponents.Host | UriComponents.Port | UriComponents.Path, UriFormat.UriEscaped);
        if (url.UserInfo.Length > 0)
        {
            shown = shown.Insert(url.Scheme.Length + Uri.SchemeDelimiter.Length, HiddenPart + "@");
        }

        return url.Query.Length > 1 ? $"{shown}?{HiddenPart}" : shown;
    }
}
