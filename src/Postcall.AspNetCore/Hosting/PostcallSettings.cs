using System.Globalization;
using System.Net;

namespace Postcall.Hosting;

/// <summary>
/// Everything the service reads from its environment, under the names the earlier service used.
/// Loaded once at start-up; any bad value stops start-up with a message that names the variable.
/// </summary>
internal sealed record PostcallSettings
{
    public const string HmacKeyVariable = "ELEVENLABS_POST_CALL_HMAC_KEY";
    public const string PayloadPathVariable = "ELEVENLABS_POST_CALL_PAYLOAD_PATH";
    public const string MaxBodyBytesVariable = "POSTCALL_MAX_BODY_BYTES";
    public const string TunnelTimeoutVariable = "POSTCALL_TUNNEL_TIMEOUT_SECONDS";
    public const string MinFreeBytesVariable = "POSTCALL_MIN_FREE_BYTES";
    public const string ApiKeyVariable = "POSTCALL_API_KEY";
    public const string AdminKeyVariable = "POSTCALL_ADMIN_KEY";
    public const string MediaKeyVariable = "POSTCALL_MEDIA_KEY";
    public const string RetentionDaysVariable = "POSTCALL_RETENTION_DAYS";
    public const string TrustedProxiesVariable = "POSTCALL_TRUSTED_PROXIES";
    public const string MetricsPublicVariable = "POSTCALL_METRICS_PUBLIC";
    public const string TunnelInspectVariable = "POSTCALL_TUNNEL_INSPECT";

    /// <summary>How long <c>--tunnel</c> waits for ngrok's public URL unless told.</summary>
    public const int DefaultTunnelTimeoutSeconds = 20;
    public const string UnverifiedPerClientVariable = "POSTCALL_UNVERIFIED_PER_CLIENT";
    public const string UnverifiedMaxBytesVariable = "POSTCALL_UNVERIFIED_MAX_BYTES";
    public const string ShutdownTimeoutVariable = "POSTCALL_SHUTDOWN_TIMEOUT";
    public const string DatabaseUrlVariable = "POSTCALL_DATABASE_URL";
    public const string StorageUrlVariable = "POSTCALL_STORAGE_URL";
    public const int DefaultShutdownTimeoutSeconds = 30;
    public const string DefaultPayloadPath = "./payloads";
    public const int MinApiKeyLength = 16;
    public const int MinMediaKeyLength = 32;
    public const long DefaultMinFreeBytes = 100L * 1024 * 1024;
    public const long DefaultMaxBodyBytes = 200L * 1024 * 1024;

    public IReadOnlyList<string> HmacKeys { get; init; } = [];

    public string PayloadPath { get; init; } = DefaultPayloadPath;

    /// <summary>Keys that read the API and dashboard.</summary>
    public IReadOnlyList<string> ApiKeys { get; init; } = [];

    /// <summary>Keys that also change destinations and replay forwards: whoever adds a destination receives every future call.</summary>
    public IReadOnlyList<string> AdminKeys { get; init; } = [];

    /// <summary>Media-link keys set by the operator (the first signs, all verify); none: one is generated and kept.</summary>
    public IReadOnlyList<string> MediaKeys { get; init; } = [];

    /// <summary>Every key that reads: the API and dashboard are off when there is none.</summary>
    public IReadOnlyList<string> ReadKeys => [.. ApiKeys, .. AdminKeys];

    /// <summary>Where calls are forwarded, and how.</summary>
    public Forwarding.ForwardSettings Forward { get; init; } = new();

    /// <summary>When set, conversations that started longer ago than this are deleted.</summary>
    public TimeSpan? Retention { get; init; }

    public string AppName { get; init; } = "Postcall";

    public string AppVersion { get; init; } = "1.0.0";

    public bool Debug { get; init; }

    public LogLevel LogLevel { get; init; } = LogLevel.Information;

    public long MaxBodyBytes { get; init; } = DefaultMaxBodyBytes;

    public string? NgrokAuthToken { get; init; }

    /// <summary><c>text</c> (one human-readable line per event) or <c>json</c> (one JSON object per line).</summary>
    public string LogFormat { get; init; } = "text";

    /// <summary>Readiness fails below this much free space under the storage root.</summary>
    public long MinFreeBytes { get; init; } = DefaultMinFreeBytes;

    /// <summary>
    /// Proxies whose <c>X-Forwarded-For</c> names the client (addresses or CIDR ranges); none by default. The tunnel
    /// that <c>--tunnel</c> runs is trusted without being listed.
    /// </summary>
    public IReadOnlyList<IPNetwork> TrustedProxies { get; init; } = [];

    /// <summary>Serve <c>/metrics</c> to anyone; by default only to local requests and to holders of an API key.</summary>
    public bool MetricsPublic { get; init; }

    /// <summary>Bodies one client may have spooling before their signature is checked; more wait for a place.</summary>
    public int UnverifiedPerClient { get; init; } = Receiving.AdmissionLimits.DefaultPerClient;

    /// <summary>Unverified bytes all clients together may have on disk; past it deliveries get 503.</summary>
    public long UnverifiedMaxBytes { get; init; } = Receiving.AdmissionLimits.DefaultMaxBytes;

    /// <summary>
    /// On SIGTERM (a redeploy), how long deliveries already arriving may take to finish, a large recording included,
    /// before the process exits anyway. New connections are refused from the start of it.
    /// </summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(DefaultShutdownTimeoutSeconds);

    /// <summary>Turn on the ngrok agent's request inspector (127.0.0.1:4040), which records whole requests.</summary>
    public bool TunnelInspect { get; init; }

    /// <summary>PostgreSQL for the index and coordination (<c>POSTCALL_DATABASE_URL</c>); null: SQLite beside the payloads.</summary>
    public string? DatabaseUrl { get; init; }

    /// <summary>The bucket payloads go to (<c>POSTCALL_STORAGE_URL</c>); null: files under <see cref="PayloadPath"/>.</summary>
    public string? StorageUrl { get; init; }

    /// <summary>Both engines shared: several instances may serve the same calls.</summary>
    public bool IsShared => DatabaseUrl is not null && StorageUrl is not null;

    /// <summary>ElevenLabs' Conversations API, to fetch what never arrived; off without <c>ELEVENLABS_API_KEY</c>.</summary>
    public Reconciling.ElevenLabsApiSettings ElevenLabsApi { get; init; } = new();

    /// <summary>The sweeps that compare the archive with that API and fetch what is missing.</summary>
    public Reconciling.ReconcileSettings Reconcile { get; init; } = new();

    /// <summary>How long <c>--tunnel</c> waits for ngrok's public URL.</summary>
    public TimeSpan TunnelTimeout { get; init; } = TimeSpan.FromSeconds(DefaultTunnelTimeoutSeconds);

    /// <param name="engines">The shared engines the app has: each checks its own setting (a URL it alone can parse).</param>
    public static PostcallSettings Load(Func<string, string?> read, IEnumerable<ISharedEngine>? engines = null)
    {
        ArgumentNullException.ThrowIfNull(read);
        var errors = new List<string>();
        var debug = ParseBool(read("DEBUG"), "DEBUG", errors);
        var settings = new PostcallSettings
        {
            HmacKeys = ParseList(read(HmacKeyVariable)),
            PayloadPath = NonEmpty(read(PayloadPathVariable)) ?? DefaultPayloadPath,
            ApiKeys = ParseApiKeys(read(ApiKeyVariable), ApiKeyVariable, errors),
            AdminKeys = ParseApiKeys(read(AdminKeyVariable), AdminKeyVariable, errors),
            MediaKeys = ParseMediaKeys(read(MediaKeyVariable), errors),
            Forward = Forwarding.ForwardSettings.Parse(read, ParseBool(read(Forwarding.ForwardSettings.AllowPrivateVariable), Forwarding.ForwardSettings.AllowPrivateVariable, errors), errors),
            TrustedProxies = ParseNetworks(read(TrustedProxiesVariable), TrustedProxiesVariable, errors),
            MetricsPublic = ParseBool(read(MetricsPublicVariable), MetricsPublicVariable, errors),
            TunnelInspect = ParseBool(read(TunnelInspectVariable), TunnelInspectVariable, errors),
            UnverifiedPerClient = (int)Math.Min(ParsePositive(read(UnverifiedPerClientVariable), UnverifiedPerClientVariable, Receiving.AdmissionLimits.DefaultPerClient, "whole number of requests", errors), 10_000),
            ShutdownTimeout = TimeSpan.FromSeconds(Math.Min(ParsePositive(read(ShutdownTimeoutVariable), ShutdownTimeoutVariable, DefaultShutdownTimeoutSeconds, "whole number of seconds", errors), 86_400)),
            UnverifiedMaxBytes = ParsePositive(read(UnverifiedMaxBytesVariable), UnverifiedMaxBytesVariable, Receiving.AdmissionLimits.DefaultMaxBytes, "whole number of bytes", errors),
            Retention = ParseRetention(read(RetentionDaysVariable), errors),
            AppName = NonEmpty(read("APP_NAME")) ?? "Postcall",
            AppVersion = NonEmpty(read("APP_VERSION")) ?? "1.0.0",
            Debug = debug,
            LogLevel = ParseLogLevel(read("LOG_LEVEL"), debug, errors),
            MaxBodyBytes = ParsePositive(read(MaxBodyBytesVariable), MaxBodyBytesVariable, DefaultMaxBodyBytes, "whole number of bytes", errors),
            NgrokAuthToken = NonEmpty(read("NGROK_AUTHTOKEN")),
            LogFormat = ParseLogFormat(read("LOG_FORMAT"), errors),
            MinFreeBytes = ParsePositive(read(MinFreeBytesVariable), MinFreeBytesVariable, DefaultMinFreeBytes, "whole number of bytes", errors),
            TunnelTimeout = TimeSpan.FromSeconds(ParsePositive(read(TunnelTimeoutVariable), TunnelTimeoutVariable, DefaultTunnelTimeoutSeconds, "whole number of seconds", errors)),
            DatabaseUrl = CheckEngineSetting(DatabaseUrlVariable, read(DatabaseUrlVariable), engines, errors),
            StorageUrl = CheckEngineSetting(StorageUrlVariable, read(StorageUrlVariable), engines, errors),
            ElevenLabsApi = Reconciling.ElevenLabsApiSettings.Parse(read, errors),
            Reconcile = Reconciling.ReconcileSettings.Parse(read, errors),
        };

        if (settings.PayloadPath.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            errors.Add($"{PayloadPathVariable} is not a valid path.");
        }

        return errors.Count == 0 ? settings : throw new SettingsException(errors);
    }

    /// <summary>A shared engine's setting, checked by the engine that takes it; an error when the app has none.</summary>
    private static string? CheckEngineSetting(string variable, string? value, IEnumerable<ISharedEngine>? engines, List<string> errors)
    {
        if (NonEmpty(value) is not { } set)
        {
            return null;
        }

        if (engines?.FirstOrDefault(e => e.Variable == variable) is not { } engine)
        {
            errors.Add(MissingEngine.Message(variable));
            return null;
        }

        if (engine.Check(set) is { } problem)
        {
            errors.Add(problem);
            return null;
        }

        return set;
    }

    /// <summary>A comma-separated list of secrets or keys, blanks and surrounding spaces dropped.</summary>
    public static string[] ParseList(string? value) =>
        (value ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    private static string[] ParseMediaKeys(string? value, List<string> errors)
    {
        var keys = ParseList(value);
        if (keys.Any(k => k.Length < MinMediaKeyLength))
        {
            errors.Add($"{MediaKeyVariable} keys must be at least {MinMediaKeyLength} characters each (try: openssl rand -hex 32).");
        }

        return keys;
    }

    private static string[] ParseApiKeys(string? value, string name, List<string> errors)
    {
        var keys = ParseList(value);
        if (keys.Any(k => k.Length < MinApiKeyLength))
        {
            // Never echo a key, not even a short one, into the error.
            errors.Add($"{name} keys must be at least {MinApiKeyLength} characters each (try: openssl rand -hex 32).");
        }

        return keys;
    }

    /// <summary>Addresses (<c>10.0.0.7</c>, <c>::1</c>) and CIDR ranges (<c>10.0.0.0/8</c>), comma-separated.</summary>
    private static IPNetwork[] ParseNetworks(string? value, string name, List<string> errors)
    {
        var networks = new List<IPNetwork>();
        foreach (var entry in ParseList(value))
        {
            if (IPNetwork.TryParse(entry, out var network))
            {
                networks.Add(network);
            }
            else if (IPAddress.TryParse(entry, out var address))
            {
                networks.Add(new IPNetwork(address, address.GetAddressBytes().Length * 8));
            }
            else
            {
                errors.Add($"{name} must list IP addresses or CIDR ranges such as 10.0.0.0/8, comma-separated (got '{entry}').");
            }
        }

        return [.. networks];
    }

    private static TimeSpan? ParseRetention(string? value, List<string> errors)
    {
        if (NonEmpty(value) is null)
        {
            return null;
        }

        var days = ParsePositive(value, RetentionDaysVariable, 1, "whole number of days", errors);
        if (days > 36500)
        {
            errors.Add($"{RetentionDaysVariable} must be at most 36500 days (got '{value}').");
            return null;
        }

        return TimeSpan.FromDays(days);
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static bool ParseBool(string? value, string name, List<string> errors)
    {
        switch (NonEmpty(value)?.ToUpperInvariant())
        {
            case null or "0" or "FALSE" or "NO" or "OFF":
                return false;
            case "1" or "TRUE" or "YES" or "ON":
                return true;
            default:
                errors.Add($"{name} must be true or false (got '{value}').");
                return false;
        }
    }

    private static LogLevel ParseLogLevel(string? value, bool debug, List<string> errors)
    {
        switch (NonEmpty(value)?.ToUpperInvariant())
        {
            case null:
                return debug ? LogLevel.Debug : LogLevel.Information;
            case "DEBUG":
                return LogLevel.Debug;
            case "INFO":
                return LogLevel.Information;
            case "WARNING" or "WARN":
                return LogLevel.Warning;
            case "ERROR":
                return LogLevel.Error;
            case "CRITICAL":
                return LogLevel.Critical;
            default:
                errors.Add($"LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR (got '{value}').");
                return LogLevel.Information;
        }
    }

    private static string ParseLogFormat(string? value, List<string> errors)
    {
        var format = NonEmpty(value)?.ToLowerInvariant() ?? "text";
        if (format is "text" or "json")
        {
            return format;
        }

        errors.Add($"LOG_FORMAT must be text or json (got '{value}').");
        return "text";
    }

    private static long ParsePositive(string? value, string name, long fallback, string unit, List<string> errors)
    {
        if (NonEmpty(value) is not { } text)
        {
            return fallback;
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0)
        {
            return number;
        }

        errors.Add($"{name} must be a positive {unit} (got '{value}').");
        return fallback;
    }
}
