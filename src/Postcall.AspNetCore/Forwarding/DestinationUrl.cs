namespace Postcall.Forwarding;

/// <summary>What a destination URL must be: absolute http or https, with a host and no user name or password in it.</summary>
internal static class DestinationUrl
{
    public const int MaxLength = 2048;

    /// <summary>Null when <paramref name="text"/> is a usable URL (given in <paramref name="url"/>); otherwise what is wrong, without quoting it.</summary>
    public static string? Check(string? text, out Uri? url)
    {
        url = null;
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxLength)
        {
            return $"must be an http or https URL of at most {MaxLength} characters";
        }

        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https") || parsed.Host.Length == 0)
        {
            return "is not an absolute http or https URL";
        }

        if (parsed.UserInfo.Length > 0)
        {
            return "must not carry a user name or password; send credentials as a header instead";
        }

        if (parsed.Fragment.Length > 0)
        {
            return "must not have a #fragment";
        }

        url = parsed;
        return null;
    }
}
