namespace Postcall.Forwarding;

/// <summary>What the environment says about forwarding.</summary>
internal sealed record ForwardSettings
{
    public const string UrlsVariable = "POSTCALL_FORWARD_URLS";
    public const string SecretVariable = "POSTCALL_FORWARD_SECRET";
    public const string AllowPrivateVariable = "POSTCALL_FORWARD_ALLOW_PRIVATE";
    public const string RetryScheduleVariable = "POSTCALL_FORWARD_RETRY_SCHEDULE";
    public const string PublicUrlVariable = "POSTCALL_PUBLIC_URL";

    /// <summary>The operator's own destinations: every kind, signed with <see cref="Secret"/>, trusted (any address).</summary>
    public IReadOnlyList<Uri> Urls { get; init; } = [];

    /// <summary>The <c>whsec_</c> secret of <see cref="Urls"/>; null: one generated once and kept with the outbox.</summary>
    public string? Secret { get; init; }

    /// <summary>Destinations made through the API may be private, loopback or link-local addresses.</summary>
    public bool AllowPrivate { get; init; }

    public RetrySchedule RetrySchedule { get; init; } = RetrySchedule.Default;

    /// <summary>Postcall's own public address, for audio download links; null: no links.</summary>
    public Uri? PublicUrl { get; init; }

    public static ForwardSettings Parse(Func<string, string?> read, bool allowPrivate, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(errors);
        var urls = new List<Uri>();
        foreach (var entry in Hosting.PostcallSettings.ParseList(read(UrlsVariable)))
        {
            if (DestinationUrl.Check(entry, out var url) is { } problem)
            {
                // The URL may carry a token in its query: name the entry's position, never its text.
                errors.Add($"{UrlsVariable} entry {urls.Count + 1} {problem}.");
            }
            else
            {
                urls.Add(url!);
            }
        }

        var secret = read(SecretVariable) is { } secretText && !string.IsNullOrWhiteSpace(secretText) ? secretText.Trim() : null;
        if (secret is not null && !WebhookSigner.IsValidSecret(secret))
        {
            errors.Add($"{SecretVariable} must be whsec_ followed by base64 of 24 to 64 bytes (try: echo whsec_$(openssl rand -base64 32)).");
        }

        var schedule = RetrySchedule.Default;
        if (read(RetryScheduleVariable) is { } text && !string.IsNullOrWhiteSpace(text))
        {
            schedule = RetrySchedule.Parse(text, out var problem) ?? RetrySchedule.Default;
            if (problem is not null)
            {
                errors.Add($"{RetryScheduleVariable} {problem}.");
            }
        }

        Uri? publicUrl = null;
        if (read(PublicUrlVariable) is { } publicText && !string.IsNullOrWhiteSpace(publicText))
        {
            if (!Uri.TryCreate(publicText.Trim().TrimEnd('/'), UriKind.Absolute, out publicUrl) || publicUrl.Scheme is not ("http" or "https"))
            {
                errors.Add($"{PublicUrlVariable} must be an absolute http(s) URL such as https://calls.example.com (got '{publicText}').");
                publicUrl = null;
            }
        }

        return new ForwardSettings { Urls = urls, Secret = secret, AllowPrivate = allowPrivate, RetrySchedule = schedule, PublicUrl = publicUrl };
    }
}
