using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Postcall.Tests.Support;

/// <summary>The built <c>postcall</c> executable run as a child process, the way a user starts it.</summary>
public sealed class ServiceProcess : IDisposable
{
    private static readonly string[] Inherited = ["ELEVENLABS_POST_CALL_HMAC_KEY", "ELEVENLABS_POST_CALL_PAYLOAD_PATH", "LOG_LEVEL", "DEBUG", "ASPNETCORE_URLS", "NGROK_PATH", "NGROK_AUTHTOKEN",
        "POSTCALL_DATABASE_URL", "POSTCALL_STORAGE_URL", "POSTCALL_FORWARD_URLS", "POSTCALL_FORWARD_SECRET", "POSTCALL_FORWARD_ALLOW_PRIVATE", "POSTCALL_FORWARD_RETRY_SCHEDULE", "POSTCALL_PUBLIC_URL", "POSTCALL_API_KEY", "POSTCALL_ADMIN_KEY", "AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION"];
    private readonly ConcurrentQueue<string> _output = new();

    public ServiceProcess(string workingDirectory, Dictionary<string, string> environment, params string[] args)
        : this([], workingDirectory, environment, args)
    {
    }

    /// <param name="launcher">A command the service runs under (strace and its options), or none.</param>
    public ServiceProcess(IReadOnlyList<string> launcher, string workingDirectory, Dictionary<string, string> environment, params string[] args)
    {
        ArgumentNullException.ThrowIfNull(launcher);
        string[] command = [.. launcher, "dotnet"];
        var info = new ProcessStartInfo(command[0]) { WorkingDirectory = workingDirectory, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in command.Skip(1))
        {
            info.ArgumentList.Add(arg);
        }

        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "postcall.dll"));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var key in Inherited)
        {
            info.Environment.Remove(key);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        Process = Process.Start(info)!;
        // Drained so a chatty child can never block on a full pipe.
        Process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                _output.Enqueue(e.Data);
            }
        };
        Process.BeginOutputReadLine();
    }

    public Process Process { get; }

    public IReadOnlyList<string> OutputLines => [.. _output];

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async Task WaitForOutputAsync(Func<string, bool> line, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!_output.Any(line))
        {
            await FailIfExitedAsync();
            Assert.True(DateTime.UtcNow < deadline, "expected output did not appear: " + string.Join(" | ", _output));
            await Task.Delay(50, TestContext.Current.CancellationToken);
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
            Assert.Fail($"the service exited with code {Process.ExitCode}: {error} | last output: {string.Join(" | ", _output.TakeLast(5))}");
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
