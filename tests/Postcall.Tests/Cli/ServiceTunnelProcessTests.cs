using System.Net;
using Postcall.Tests.Support;
using Postcall.Tunnel;

namespace Postcall.Tests.Cli;

/// <summary><c>postcall --tunnel</c>: the service and the tunnel start together and stop together.</summary>
public sealed class ServiceTunnelProcessTests : IDisposable
{
    private readonly string _workDir = Directory.CreateTempSubdirectory("postcall-tunnel-").FullName;

    public void Dispose() => Directory.Delete(_workDir, recursive: true);

    /// <summary><c>postcall --tunnel</c> on a port the system picks, once it has printed the webhook URL.</summary>
    private async Task<ServiceProcess> StartWithTunnelAsync(FakeNgrokAgent agent)
    {
        var service = new ServiceProcess(_workDir, new()
        {
            ["ELEVENLABS_POST_CALL_HMAC_KEY"] = Fixtures.Secret,
            ["NGROK_PATH"] = agent.ScriptPath,
            ["NGROK_AUTHTOKEN"] = "tok_secret_123",
            ["LOG_LEVEL"] = "WARNING",
        }, "--tunnel", "--urls", ServiceProcess.AnyPort);
        await service.WaitForOutputAsync(line => line.EndsWith("/webhook/post-call", StringComparison.Ordinal), TimeSpan.FromSeconds(90));
        return service;
    }

    [Fact]
    public async Task Service_and_tunnel_start_together_and_sigterm_leaves_no_agent_behind()
    {
        using var agent = new FakeNgrokAgent("ok");
        using var service = await StartWithTunnelAsync(agent);
        var port = (await service.UrlAsync()).Port;
        Assert.Contains($"https://fake-{agent.Pid}.ngrok-free.app/webhook/post-call", service.OutputLines);
        Assert.Contains($"Tunnel open: https://fake-{agent.Pid}.ngrok-free.app -> http://localhost:{port}", service.OutputLines);
        // The agent is pointed at a loopback listener of its own, so the service knows what came through the tunnel.
        var tunnelPort = int.Parse(agent.Args[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.NotEqual(port, tunnelPort);
        Assert.Equal(["http", agent.Args[1], "--inspect=false", "--log", "stdout", "--log-format", "json"], agent.Args);
        Assert.Contains("NGROK_AUTHTOKEN", agent.EnvironmentNames);
        Assert.Empty(agent.EnvironmentNames.Except(TunnelCommandTests.AgentVariables));

        var ct = TestContext.Current.CancellationToken;
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        using var delivery = await client.SendAsync(Deliveries.SignedRequest(Deliveries.Transcription("direct")), ct);
        Assert.Equal(HttpStatusCode.OK, delivery.StatusCode);
        using (var metrics = await client.GetAsync(new Uri("/metrics", UriKind.Relative), ct))
        {
            Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        }

        // What the agent relays from the internet: stored like any delivery, but never local.
        using var tunnel = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{tunnelPort}") };
        using var relayed = Deliveries.SignedRequest(Deliveries.Transcription("through-tunnel"));
        relayed.Headers.Add("X-Forwarded-For", "203.0.113.7");
        using (var stored = await tunnel.SendAsync(relayed, ct))
        {
            Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
        }

        using (var metrics = await tunnel.GetAsync(new Uri("/metrics", UriKind.Relative), ct))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, metrics.StatusCode);
        }

        var ready = await Envelope.ReadAsync(await tunnel.GetAsync(new Uri("/health/ready", UriKind.Relative), ct));
        Assert.All(ready.Data.EnumerateArray(), check => Assert.Equal(System.Text.Json.JsonValueKind.Null, check.GetProperty("description").ValueKind));

        Assert.True(ProcessSignals.Terminate(service.Process.Id));
        await service.Process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Assert.Equal(0, service.Process.ExitCode);
        Assert.False(agent.IsRunning, "the ngrok agent outlived the service");
    }

    [Fact]
    public async Task An_agent_dies_with_a_service_killed_outright()
    {
        using var agent = new FakeNgrokAgent("ok");
        using var service = await StartWithTunnelAsync(agent);
        Assert.True(agent.IsRunning);

        service.Process.Kill(); // SIGKILL: no code of the service runs after this
        await service.Process.WaitForExitAsync(TestContext.Current.CancellationToken);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (agent.IsRunning && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.False(agent.IsRunning, "the ngrok agent outlived a service killed with SIGKILL");
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
        }, "--tunnel", "--urls", ServiceProcess.AnyPort);

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

        await tunnel.WaitForOutputAsync(line => line.EndsWith("/webhook/post-call", StringComparison.Ordinal), TimeSpan.FromSeconds(90));
        Assert.True(agent.IsRunning);

        // What a terminal sends on Ctrl+C.
        using (var interrupt = System.Diagnostics.Process.Start("kill", ["-INT", tunnel.Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await interrupt.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        await tunnel.Process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(90), TestContext.Current.CancellationToken);
        // Its error output says why, should it ever end otherwise (one clean run in many ended with 134, an abort).
        var errors = tunnel.Process.ExitCode == 0 ? "" : await tunnel.Process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        Assert.True(tunnel.Process.ExitCode == 0, $"postcall tunnel exited with {tunnel.Process.ExitCode}: {errors}");
        Assert.False(agent.IsRunning, "the ngrok agent outlived postcall tunnel");
    }
}
