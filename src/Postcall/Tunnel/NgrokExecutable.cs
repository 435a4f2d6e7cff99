namespace Postcall.Tunnel;

internal static class NgrokExecutable
{
    public static string Find(string? explicitPath, string? searchPath)
    {
        if (!string.IsNullOrEmpty(explicitPath))
        {
            return File.Exists(explicitPath)
                ? explicitPath
                : throw new TunnelException($"{NgrokOptions.PathVariable} is {explicitPath}, but there is no file there.");
        }

        var name = OperatingSystem.IsWindows() ? "ngrok.exe" : "ngrok";
        foreach (var dir in (searchPath ?? Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new TunnelException(
            "The ngrok agent was not found on PATH. Install ngrok v3 (see ngrok.com/download; on Debian or Ubuntu also "
            + $"'apt install ngrok' from ngrok's apt repository), then run 'ngrok version' to check, or set {NgrokOptions.PathVariable} to its path.");
    }
}
