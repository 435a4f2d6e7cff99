using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;

namespace Postcall.Hosting;

/// <summary>
/// The listening address as a start-up problem a person can fix: an address that is not one, or one the server could
/// not take (a port in use, an IP this host does not have). Kestrel reports them as exceptions that would otherwise
/// end the process unhandled, with a stack trace and an abort.
/// </summary>
internal static class ListenFailure
{
    private const string Variables = "--urls or ASPNETCORE_URLS";

    /// <summary>Each configured address that Kestrel could not use, as a <see cref="SettingsException"/>.</summary>
    public static void CheckAddresses(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var urls = configuration[WebHostDefaults.ServerUrlsKey];
        var problems = new List<string>();
        foreach (var url in (urls ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!IsAddress(url))
            {
                problems.Add($"{Variables}: '{Http.LogText.Neutralize(url)}' is not an address to listen on (for example http://0.0.0.0:8000).");
            }
        }

        if (problems.Count > 0)
        {
            throw new SettingsException(problems);
        }
    }

    /// <summary>What Kestrel will accept: its own parser's verdict, and a port that exists.</summary>
    private static bool IsAddress(string url)
    {
        try
        {
            return BindingAddress.Parse(url).Port is >= 0 and <= IPEndPoint.MaxPort;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>One line saying why the server could not listen, or null when <paramref name="e"/> is about something else.</summary>
    public static string? Describe(Exception e) => e switch
    {
        IOException { InnerException: AddressInUseException } =>
            $"{e.Message} Stop the program that listens there, or give this service another address with {Variables}.",
        IOException { InnerException: SocketException socket } => $"{e.Message} {socket.Message}. Check {Variables}.",
        SocketException socket => $"Cannot listen on the configured address: {socket.Message}. Check {Variables}.",
        _ => null,
    };
}
