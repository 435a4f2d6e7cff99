using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Postcall.Tests.Support;

/// <summary>The built <c>postcall</c> executable run as a child process, the way a user starts it.</summary>
public sealed class ServiceProcess : IDisposable
{
    private static readonly string[] Inherited = ["ELEVENLABS_POST_CALL_HMAC_KEY", "ELEVENLABS_POST_CALL_PAYLOAD_PATH", "LOG_LEVEL", "DEBUG", "ASPNETCORE_URLS", "NGROK_PATH", "NGROK_AUTHTOKEN",
        "POSTCALL_DATABASE_URL", "POSTCALL_STORAGE_URL", "POSTCALL_FORWARD_URLS", "POSTCALL_FORWARD_SECRET", "POSTCALL_FORWARD_ALLOW_PRIVATE", "POSTCALL_FORWARD_RETRY_SCHEDULE", "POSTCALL_PUBLIC_URL", "POSTCALL_API_KEY", "POSTCALL_ADMIN_KEY", "POSTCALL_MEDIA_KEY", "AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION", "ELEVENLABS_API_KEY", "ELEVENLABS_API_BASE_URL", "POSTCALL_RECONCILE_INTERVAL", "POSTCALL_RECONCILE_WINDOW", "POSTCALL_RECONCILE_GRACE", "POSTCALL_RECONCILE_AGENTS"];
    /// <summary>For <c>--urls</c>: the system picks a free port when the service binds, and <see cref="UrlAsync"/> says which.</summary>
    public const string AnyPort = "http://127.0.0.1:0";

    /// <summary>The host's lifetime log says where it listens; on at any LOG_LEVEL, so <see cref="UrlAsync"/> can read it.</summary>
    private const string LifetimeLogLevel = "Logging__LogLevel__Microsoft.Hosting.Lifetime";

    private readonly OutputLines _output = new();

    /// <summary>What a child is started under so that it gets SIGINT and SIGQUIT as a terminal's foreground program does.</summary>
    public static readonly string[] DefaultSignals = ["env", "--default-signal=INT,QUIT"];

    public ServiceProcess(string workingDirectory, Dictionary<string, string> environment, params string[] args)
        : this([], workingDirectory, environment, args)
    {
    }

    /// <param name="launcher">A command the service runs under (strace and its options), or none.</param>
    public ServiceProcess(IReadOnlyList<string> launcher, string workingDirectory, Dictionary<string, string> environment, params string[] args)
        : this(Path.Combine(AppContext.BaseDirectory, "postcall.dll"), launcher, workingDirectory, environment, args)
    {
    }

    /// <param name="program">The app to run: the service's assembly, or another app's (one that embeds Postcall).</param>
    /// <param name="launcher">A command the app runs under (strace and its options), or none.</param>
    public ServiceProcess(string program, IReadOnlyList<string> launcher, string workingDirectory, Dictionary<string, string> environment, params string[] args)
    {
        ArgumentNullException.ThrowIfNull(launcher);
        // As from a terminal: Ctrl+C (SIGINT) and SIGQUIT at their defaults, even when the test run itself was started
        // in the background of a script, where they are ignored and every child would inherit that.
        string[] command = [.. DefaultSignals, .. launcher, "dotnet"];
        var info = new ProcessStartInfo(command[0]) { WorkingDirectory = workingDirectory, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in command.Skip(1))
        {
            info.ArgumentList.Add(arg);
        }

        info.ArgumentList.Add(program);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var key in Inherited)
        {
            info.Environment.Remove(key);
        }

        info.Environment[LifetimeLogLevel] = "Information";
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        Process = Process.Start(info)!;
        // Drained so a chatty child can never block on a full pipe.
        Process.OutputDataReceived += (_, e) => _output.Add(e.Data);
        Process.BeginOutputReadLine();
    }

    public Process Process { get; }

    public IReadOnlyList<string> OutputLines => _output.Lines;

    /// <summary>
    /// A port free now, for what cannot bind port 0 and say which it got (PostgreSQL, moto). Another program may take
    /// it before it is bound: such a caller tries again with another. A Postcall service never needs one: start it on
    /// <see cref="AnyPort"/>.
    /// </summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// Where the service listens, from its "Now listening on" line, once it is listening (started with
    /// <c>--urls <see cref="AnyPort"/></c>, the port is the one the system gave it). Fails when the service exits first.
    /// </summary>
    public async Task<Uri> UrlAsync(TimeSpan? timeout = null)
    {
        const string Marker = "Now listening on: ";
        var line = await WaitForOutputAsync(l => l.Contains(Marker, StringComparison.Ordinal), timeout ?? TimeSpan.FromSeconds(60));
        return new Uri(line[(line.IndexOf(Marker, StringComparison.Ordinal) + Marker.Length)..].Trim());
    }

    /// <summary>Started on <see cref="AnyPort"/>: a client of it, once it answers <c>/health</c>.</summary>
    public async Task<HttpClient> ClientAsync(TimeSpan? timeout = null)
    {
        var client = new HttpClient { BaseAddress = await UrlAsync(), Timeout = timeout ?? TimeSpan.FromSeconds(100) };
        await WaitForHealthAsync(client);
        return client;
    }

    /// <summary>The first line of output, written already or still to come, that <paramref name="line"/> accepts.</summary>
    public async Task<string> WaitForOutputAsync(Func<string, bool> line, TimeSpan timeout)
    {
        try
        {
            return await _output.WaitForAsync(line, timeout);
        }
        catch (InvalidOperationException)
        {
            await FailIfExitedAsync();
            throw;
        }
    }

    public async Task WaitForHealthAsync(HttpClient client)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            await FailIfExitedAsync();
            try
            {
                using var health = await client.GetAsync(new Uri("/health", UriKind.Relative), TestContext.Current.CancellationToken);
                if (health.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        Assert.Fail("the service did not answer /health within 20 s");
    }

    private async Task FailIfExitedAsync()
    {
        if (Process.HasExited)
        {
            var error = await Process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            Assert.Fail($"the service exited with code {Process.ExitCode}: {error} | last output: {string.Join(" | ", _output.Lines.TakeLast(5))}");
        }
    }

    public void Dispose()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
            Process.WaitForExit();
        }

        Process.Dispose();
    }
}
