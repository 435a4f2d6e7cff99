using System.Globalization;
using Npgsql;

namespace Postcall.Postgres;

/// <summary>
/// Reads <c>POSTCALL_DATABASE_URL</c>: a <c>postgres://</c> or <c>postgresql://</c> URL
/// (<c>user:password@host:port/database?sslmode=require</c>), as managed databases hand them out, or an Npgsql
/// connection string. Pure: no connection is made.
/// </summary>
internal static class PostgresUrl
{
    /// <summary>The URL's query options Postcall understands, and the connection string keys they become.</summary>
    private static readonly Dictionary<string, string> Options = new(StringComparer.OrdinalIgnoreCase)
    {
        ["sslmode"] = "SSL Mode",
        ["sslrootcert"] = "Root Certificate",
        ["sslcert"] = "SSL Certificate",
        ["sslkey"] = "SSL Key",
        ["application_name"] = "Application Name",
        ["connect_timeout"] = "Timeout",
        ["options"] = "Options",
        ["target_session_attrs"] = "Target Session Attributes",
    };

    public static bool TryParse(string? value, out NpgsqlConnectionStringBuilder builder, out string? problem)
    {
        builder = new NpgsqlConnectionStringBuilder();
        problem = null;
        if (string.IsNullOrWhiteSpace(value))
        {
            problem = "is empty";
            return false;
        }

        value = value.Trim();
        try
        {
            if (value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
            {
                FromUrl(new Uri(value), builder);
            }
            else
            {
                builder.ConnectionString = value;
            }
        }
        catch (Exception e) when (e is UriFormatException or ArgumentException or FormatException)
        {
            problem = $"is neither a postgres:// URL nor a connection string ({e.Message.Split('\n')[0]})";
            return false;
        }

        if (string.IsNullOrEmpty(builder.Host))
        {
            problem = "names no host";
            return false;
        }

        builder.ApplicationName ??= "postcall";
        return true;
    }

    /// <summary>Where it points, without user or password: for logs and readiness.</summary>
    public static string Describe(NpgsqlConnectionStringBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return string.Create(CultureInfo.InvariantCulture, $"postgresql://{builder.Host}:{builder.Port}/{builder.Database}");
    }

    private static void FromUrl(Uri url, NpgsqlConnectionStringBuilder builder)
    {
        builder.Host = url.Host.Trim('[', ']');
        builder.Port = url.IsDefaultPort || url.Port <= 0 ? 5432 : url.Port;
        var database = Uri.UnescapeDataString(url.AbsolutePath.TrimStart('/'));
        builder.Database = database.Length == 0 ? "postgres" : database;
        if (url.UserInfo.Length > 0)
        {
            var colon = url.UserInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Uri.UnescapeDataString(colon < 0 ? url.UserInfo : url.UserInfo[..colon]);
            if (colon >= 0)
            {
                builder.Password = Uri.UnescapeDataString(url.UserInfo[(colon + 1)..]);
            }
        }

        foreach (var pair in url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            var option = Uri.UnescapeDataString(equals < 0 ? string.Empty : pair[(equals + 1)..]);
            if (!Options.TryGetValue(name, out var key))
            {
                throw new FormatException($"the option '{name}' is not supported; use a connection string for it");
            }

            // libpq spells modes verify-full; Npgsql's enum is VerifyFull.
            builder[key] = key == "SSL Mode" ? option.Replace("-", string.Empty, StringComparison.Ordinal) : option;
        }
    }
}
