using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Postcall.Tests.Support;

namespace Postcall.Tests.Hosting;

/// <summary>The built service started as a user would: a real process, its environment, its .env file.</summary>
public sealed class StartupProcessTests : IDisposable
{
    private readonly string _workDir = Directory.CreateTempSubdirectory("postcall-start-").FullName;

    public void Dispose() => Directory.Delete(_workDir, recursive: true);

    private static string ServiceDll => Path.Combine(AppContext.BaseDirectory, "postcall.dll");

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private Process Start(Dictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = _workDir, RedirectStandardError = true, RedirectStandardOutput = true };
        info.ArgumentList.Add(ServiceDll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var key in new[] { "ELEVENLABS_POST_CALL_HMAC_KEY", "ELEVENLABS_POST_CALL_PAYLOAD_PATH", "LOG_LEVEL", "DEBUG", "ASPNETCORE_URLS" })
        {
            info.Environment.Remove(key);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = Process.Start(info)!;
        // Drained so a chatty child can never block on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        return process;
    }

    [Fact]
    public async Task An_invalid_value_stops_start_up_with_a_message_naming_the_variable()
    {
        using var process = Start(new() { ["LOG_LEVEL"] = "LOUD" }, "--urls", $"http://127.0.0.1:{FreePort()}");
        var stderr = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.Equal(1, process.ExitCode);
        Assert.Contains("LOG_LEVEL", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dot_env_is_read_from_the_working_directory_and_real_environment_variables_win()
    {
        await File.WriteAllLinesAsync(Path.Combine(_workDir, ".env"),
        [
            $"ELEVENLABS_POST_CALL_HMAC_KEY={Fixtures.Secret}",
            "ELEVENLABS_POST_CALL_PAYLOAD_PATH=./from-dotenv",
            "LOG_LEVEL=LOUD",
        ], TestContext.Current.CancellationToken);
        var port = FreePort();
        using var process = Start(new() { ["LOG_LEVEL"] = "WARNING" }, "--urls", $"http://127.0.0.1:{port}");
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            await WaitForHealthAsync(client, process);

            using var response = await client.SendAsync(Deliveries.SignedRequest(Deliveries.Transcription("dotenv")), TestContext.Current.CancellationToken);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.True(File.Exists(Path.Combine(_workDir, "from-dotenv", "dotenv", "dotenv_transcription.json")));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        }
    }

    private static async Task WaitForHealthAsync(HttpClient client, Process process)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            if (process.HasExited)
            {
                Assert.Fail("the service exited: " + await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken));
            }

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
}
