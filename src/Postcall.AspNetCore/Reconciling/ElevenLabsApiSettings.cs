using System.Net;

namespace Postcall.Reconciling;

/// <summary>
/// Where ElevenLabs' Conversations API is and the key to it (<c>ELEVENLABS_API_KEY</c>, the name ElevenLabs' own SDKs
/// read). Without a key nothing is fetched: Postcall keeps only what is delivered to it.
/// </summary>
internal sealed record ElevenLabsApiSettings
{
    public const string ApiKeyVariable = "ELEVENLABS_API_KEY";
    public const string BaseUrlVariable = "ELEVENLABS_API_BASE_URL";
    public static readonly Uri DefaultBaseUrl = new("https://api.elevenlabs.io");

    /// <summary>The key; a secret, never logged or answered. Null: reconciliation is off.</summary>
    public string? ApiKey { get; init; }

    /// <summary>The API's origin: the default, a residency one, or (for tests) a loopback address over http.</summary>
    public Uri BaseUrl { get; init; } = DefaultBaseUrl;

    public bool IsEnabled => ApiKey is not null;

    public static ElevenLabsApiSettings Parse(Func<string, string?> read, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(errors);
        var key = read(ApiKeyVariable)?.Trim();
        return new ElevenLabsApiSettings
        {
            ApiKey = string.IsNullOrEmpty(key) ? null : key,
            BaseUrl = ParseBaseUrl(read(BaseUrlVariable), errors),
        };
    }

    private static Uri ParseBaseUrl(string? value, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return DefaultBaseUrl;
        }

        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var url) || url.Scheme is not ("https" or "http")
            || !string.IsNullOrEmpty(url.UserInfo) || url.Query.Length > 0 || url.Fragment.Length > 0 || url.AbsolutePath != "/")
        {
            errors.Add($"{BaseUrlVariable} must be an origin such as https://api.eu.residency.elevenlabs.io (got '{value}').");
            return DefaultBaseUrl;
        }

        // The key travels to this origin: in the clear only to this machine.
        if (url.Scheme == "http" && !IsLoopback(url))
        {
            errors.Add($"{BaseUrlVariable} must use https (http is allowed only for a loopback address).");
            return DefaultBaseUrl;
        }

        return url;
    }

    private static bool IsLoopback(Uri url) =>
        url.IsLoopback || (IPAddress.TryParse(url.IdnHost, out var address) && IPAddress.IsLoopback(address));
}
