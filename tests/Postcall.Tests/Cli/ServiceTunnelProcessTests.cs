using System.Net;
using Postcall.Tests.Support;
using Postcall.Tunnel;

namespace Postcall.Tests.Cli;

/// <summary><c>postcall --tunnel</c>: the service and the tunnel start together and stop together.</summary>
public sealed class ServiceTunnelProcessTests : IDisposable
{
    private readonly string _workDir = Directory.CreateTempSubdirectory("postcall-tunnel-").FullName;

    public void Dispose() => Directory.Delete(_workDir, recursive: true);

    [Fact]
    public async Task Service_and_tunnel_start_together_and_sigterm_leaves_no_agent_behind()
    {
        using var agent = new FakeNgrokAgent("ok");
        var port = ServiceProcess.FreePort();
        using var service = new ServiceProcess(_workDir, new()
        {
            ["ELEVENLABS_POST_CALL_HMAC_KEY"] = Fixtures.Secret,
            ["NGROK_PATH"] = agent.ScriptPath,
            ["NGROK_AUTHTOKEN"] = "tok_secret_123",
            ["LOG_LEVEL"] = "WARNING",
        }, "--tunnel", "--urls", $"http://127.0.0.1:{port}");

        await service.WaitForOutputAsync(line => line.EndsWith("/webhook/post-call", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        Assert.Contains($"https://fake-{agent.Pid}.ngrok-free.app/webhook/post-call", service.OutputLines);
        Assert.Contains($"Tunnel open: https://fake-{agent.Pid}.ngrok-free.app -> http://localhost:{port}", service.OutputLines);
        Assert.Equal(["http", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--log", "stdout", "--log-format", "json"], agent.Args);

        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        using var delivery = await client.SendAsync(Deliveries.SignedRequest(Deliveries.Transcription("through-tunnel")), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, delivery.StatusCode);

        Assert.True(ProcessSignals.Terminate(service.Process.Id));
        await service.Process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.Equal(0, service.Process.ExitCode);
        Assert.False(agent.IsRunning, "the ngrok agent outlived the service");
    }

    [Fact]
    public async Task A_tunnel_that_cannot_open_stops_the_service_with_ngroks_reason()
    {
        using var agent = new FakeNgrokAgent("no-token");
        using var service = new ServiceProcess(_workDir, new()
        {
            ["ELEVENLABS_POST_CALL_HMAC_KEY"] = Fixtures.Secret,
            ["NGROK_PATH"] = agent.ScriptPath,
            ["LOG_LEVEL"] = "WARNING",
        }, "--tunnel", "--urls", $"http://127.0.0.1:{ServiceProcess.FreePort()}");

        var stderr = await service.Process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await service.Process.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.Equal(1, service.Process.ExitCode);
        Assert.Contains("ERR_NGROK_4018", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ctrl_c_on_postcall_tunnel_closes_the_tunnel_and_the_agent()
    {
        using var agent = new FakeNgrokAgent("ok");
        using var tunnel = new ServiceProcess(_workDir, new()
        {
            ["NGROK_PATH"] = agent.ScriptPath,
            ["NGROK_AUTHTOKEN"] = "tok_secret_123",
        }, "tunnel", "--port", "8123");

        await tunnel.WaitForOutputAsync(line => line.EndsWith("/webhook/post-call", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        Assert.True(agent.IsRunning);

        // What a terminal sends on Ctrl+C.
        using (var interrupt = System.Diagnostics.Process.Start("kill", ["-INT", tunnel.Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await interrupt.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        await tunnel.Process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.Equal(0, tunnel.Process.ExitCode);
        Assert.False(agent.IsRunning, "the ngrok agent outlived postcall tunnel");
    }
}
