using System.Text.RegularExpressions;

namespace Postcall.Tunnel;

/// <summary>Turns the agent's own error text into a message with a next step for the usual causes.</summary>
internal static partial class NgrokErrors
{
    public const string Redacted = "[redacted]";

    /// <summary>The authtoken, and whatever follows an <c>authtoken</c> key, replaced by <see cref="Redacted"/>.</summary>
    public static string Redact(string text, string? authToken)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!string.IsNullOrEmpty(authToken))
        {
            text = text.Replace(authToken, Redacted, StringComparison.Ordinal);
        }

        return AuthTokenValue().Replace(text, m => m.Groups["key"].Value + Redacted);
    }

    [GeneratedRegex(@"(?<key>auth[_-]?token[""']?\s*[:=]\s*[""']?)[^\s""',;]+", RegexOptions.IgnoreCase)]
    private static partial Regex AuthTokenValue();

    public static string Explain(string ngrokText)
    {
        var hint = ngrokText switch
        {
            _ when ngrokText.Contains("ERR_NGROK_4018", StringComparison.Ordinal) || ngrokText.Contains("ERR_NGROK_105", StringComparison.Ordinal)
                => $"Set {NgrokOptions.AuthTokenVariable} (environment or .env) to the authtoken from your ngrok dashboard.",
            _ when ngrokText.Contains("ERR_NGROK_108", StringComparison.Ordinal)
                => "Another ngrok agent is already running on this account: stop it (or its other session) and try again.",
            _ => null,
        };
        var text = ngrokText.Trim();
        return hint is null ? $"ngrok failed: {text}" : $"ngrok failed: {text}{Environment.NewLine}{hint}";
    }
}
