using System.Net;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Postcall.Forwarding;

/// <summary>The body of <c>POST</c> and <c>PATCH /api/destinations</c>: every field optional but <c>url</c> on creation.</summary>
/// <remarks>Its names are fixed here, not left to the host's JSON defaults: an app that embeds Postcall may name its own in camelCase.</remarks>
internal sealed partial record DestinationChange(
    [property: JsonPropertyName("url")] string? Url = null,
    [property: JsonPropertyName("kinds")] IReadOnlyList<string>? Kinds = null,
    [property: JsonPropertyName("agent_ids")] IReadOnlyList<string>? AgentIds = null,
    [property: JsonPropertyName("enabled")] bool? Enabled = null,
    [property: JsonPropertyName("headers")] IReadOnlyDictionary<string, string>? Headers = null,
    [property: JsonPropertyName("timeout_seconds")] double? TimeoutSeconds = null,
    [property: JsonPropertyName("concurrency")] int? Concurrency = null,
    [property: JsonPropertyName("audio_as_link")] bool? AudioAsLink = null,
    [property: JsonPropertyName("rotate_secret")] bool? RotateSecret = null)
{
    private const int MaxHeaders = 20;
    private const int MaxHeaderValue = 4096;
    private const int MaxAgentIds = 1000;

    /// <summary>Applies the change to <paramref name="current"/> and checks the result; the problem names the field, never its value.</summary>
    public Destination? ApplyTo(Destination current, ForwardSettings settings, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(settings);
        var next = current;
        if (Url is not null)
        {
            if (DestinationUrl.Check(Url, out var url) is { } urlProblem)
            {
                problem = "url " + urlProblem + ".";
                return null;
            }

            next = next with { Url = url! };
        }

        if (Kinds is not null)
        {
            if (Kinds.FirstOrDefault(k => !Destination.KindNames.Contains(k, StringComparer.Ordinal)) is { } unknown)
            {
                problem = $"kinds may hold only {string.Join(", ", Destination.KindNames)} (got '{Http.LogText.Neutralize(unknown, 64)}').";
                return null;
            }

            next = next with { Kinds = [.. Kinds.Distinct(StringComparer.Ordinal)] };
        }

        if (AgentIds is not null)
        {
            if (AgentIds.Count > MaxAgentIds || AgentIds.Any(a => !AgentIdPattern().IsMatch(a)))
            {
                problem = $"agent_ids must be at most {MaxAgentIds} ids of letters, digits, '_', '-', '.' and ':' (1 to 128 each).";
                return null;
            }

            next = next with { AgentIds = [.. AgentIds.Distinct(StringComparer.Ordinal)] };
        }

        if (Headers is not null)
        {
            if (Headers.Count > MaxHeaders)
            {
                problem = $"headers may hold at most {MaxHeaders} entries.";
                return null;
            }

            foreach (var (name, value) in Headers)
            {
                if (!HeaderNamePattern().IsMatch(name) || ForwardSender.ReservedHeaders.Contains(name))
                {
                    problem = $"headers: '{Http.LogText.Neutralize(name, 64)}' is not a header name a destination may set.";
                    return null;
                }

                if (value is null || value.Length > MaxHeaderValue || value.Any(c => c is '\r' or '\n' or '\0'))
                {
                    problem = $"headers: the value of '{name}' must be at most {MaxHeaderValue} characters on one line.";
                    return null;
                }
            }

            next = next with { Headers = new Dictionary<string, string>(Headers, StringComparer.OrdinalIgnoreCase) };
        }

        if (TimeoutSeconds is { } seconds)
        {
            if (!double.IsFinite(seconds) || seconds < 1 || TimeSpan.FromSeconds(seconds) > Destination.MaxTimeout)
            {
                problem = $"timeout_seconds must be between 1 and {Destination.MaxTimeout.TotalSeconds}.";
                return null;
            }

            next = next with { Timeout = TimeSpan.FromSeconds(seconds) };
        }

        if (Concurrency is { } concurrency)
        {
            if (concurrency is < 1 or > Destination.MaxConcurrency)
            {
                problem = $"concurrency must be between 1 and {Destination.MaxConcurrency}.";
                return null;
            }

            next = next with { Concurrency = concurrency };
        }

        if (AudioAsLink is { } asLink)
        {
            if (asLink && settings.PublicUrl is null)
            {
                problem = $"audio_as_link needs Postcall's public address in {ForwardSettings.PublicUrlVariable}.";
                return null;
            }

            next = next with { AudioAsLink = asLink };
        }

        if (Enabled is { } enabled)
        {
            next = next with { Enabled = enabled };
        }

        if (RotateSecret == true)
        {
            next = next with { Secret = WebhookSigner.NewSecret() };
        }

        problem = null;
        return next;
    }

    /// <summary>
    /// For a destination made through the API without private addresses allowed: null when its host is public as far
    /// as can be told now. A name that does not resolve yet passes; every connection is checked again anyway.
    /// </summary>
    public static async Task<string?> CheckPublicAsync(Uri url, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        IPAddress[] addresses;
        try
        {
            addresses = await DestinationAddresses.ResolveAsync(url.IdnHost, cancellationToken);
        }
        catch (System.Net.Sockets.SocketException)
        {
            return null;
        }

        var literal = url.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6;
        return addresses.FirstOrDefault(a => !DestinationAddresses.IsPublic(a)) is { } blocked
            ? $"url: {(literal ? $"{url.Host} is" : $"{url.Host} resolves to {blocked}, which is")} a private, loopback or link-local address; "
                + $"such destinations need {ForwardSettings.AllowPrivateVariable}=true."
            : null;
    }

    /// <summary>Only a pause or a resume may change a destination from <c>POSTCALL_FORWARD_URLS</c>.</summary>
    public bool OnlyPausesOrResumes => Url is null && Kinds is null && AgentIds is null && Headers is null && TimeoutSeconds is null
        && Concurrency is null && AudioAsLink is null && RotateSecret is null;

    [GeneratedRegex("^[A-Za-z0-9_.:-]{1,128}$")]
    private static partial Regex AgentIdPattern();

    [GeneratedRegex("^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$")]
    private static partial Regex HeaderNamePattern();
}
