namespace Postcall.Tunnel;

internal sealed record NgrokOptions
{
    public const string PathVariable = "NGROK_PATH";
    public const string AuthTokenVariable = "NGROK_AUTHTOKEN";
    public const int DefaultStartTimeoutSeconds = Hosting.PostcallSettings.DefaultTunnelTimeoutSeconds;

    public required int Port { get; init; }

    /// <summary>Passed to the agent through its environment only: never on its command line, never logged.</summary>
    public string? AuthToken { get; init; }

    /// <summary>An explicit agent path (<c>NGROK_PATH</c>); otherwise <c>ngrok</c> is looked up on PATH.</summary>
    public string? ExecutablePath { get; init; }

    /// <summary>Where to look for <c>ngrok</c> when no path is given (default: PATH).</summary>
    public string? SearchPath { get; init; }

    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(DefaultStartTimeoutSeconds);

    /// <summary>
    /// Let the agent record every request and answer (headers, bodies: transcripts, API keys) in its inspector on
    /// 127.0.0.1:4040. Off unless asked.
    /// </summary>
    public bool Inspect { get; init; }

    /// <summary>How long the agent may take to exit after SIGTERM before it is killed.</summary>
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(5);
}
