using Postcall.Cli;

namespace Postcall.Tests.Cli;

/// <summary><c>postcall tunnel</c> against a stand-in ngrok agent running as a real child process.</summary>
public sealed class TunnelCommandTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static Dictionary<string, string?> Environment(FakeNgrokAgent agent, string? token = "tok_secret_123") => new()
    {
        ["NGROK_PATH"] = agent.ScriptPath,
        ["NGROK_AUTHTOKEN"] = token,
    };

    private static async Task<(int ExitCode, string Output, string Error)> RunUntilOpenThenStopAsync(FakeNgrokAgent agent, params string[] extra)
    {
        var output = new SignalingWriter();
        var error = new StringWriter();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var env = new CliEnvironment(name => Environment(agent).GetValueOrDefault(name), Path.GetTempPath());
        var run = PostcallCli.RunAsync(["tunnel", "--port", "8123", .. extra], output, error, env, cancellationToken: stop.Token);

        await output.WaitForAsync("/webhook/post-call", Patience);
        Assert.True(agent.IsRunning);
        await stop.CancelAsync();
        var code = await run.WaitAsync(Patience, TestContext.Current.CancellationToken);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Prints_the_public_url_and_the_webhook_url_then_stops_the_agent()
    {
        using var agent = new FakeNgrokAgent("ok");
        var (code, output, _) = await RunUntilOpenThenStopAsync(agent);

        Assert.Equal(ExitCodes.Ok, code);
        var lines = output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var expected = $"https://fake-{agent.Pid}.ngrok-free.app";
        Assert.Contains($"Tunnel open: {expected} -> http://localhost:8123", lines);
        Assert.Contains($"{expected}/webhook/post-call", lines);
        Assert.False(agent.IsRunning, "the agent outlived the tunnel");
    }

    [Fact]
    public async Task The_authtoken_goes_through_the_environment_never_the_command_line()
    {
        using var agent = new FakeNgrokAgent("ok");
        await RunUntilOpenThenStopAsync(agent);

        Assert.Equal(["http", "8123", "--inspect=false", "--log", "stdout", "--log-format", "json"], agent.Args);
        Assert.DoesNotContain(agent.Args, a => a.Contains("tok_secret_123", StringComparison.Ordinal));
    }

    /// <summary>Only what an agent needs: where things are, proxies, and its token. Not the secrets we run with.</summary>
    public static readonly HashSet<string> AgentVariables =
    [
        "PATH", "HOME", "USER", "LOGNAME", "TMPDIR", "TZ", "LANG", "LC_ALL", "XDG_CONFIG_HOME", "SSL_CERT_FILE", "SSL_CERT_DIR",
        "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "no_proxy", "all_proxy", "NGROK_AUTHTOKEN",
        // Set by the stand-in's own launcher script, after we start it.
        "FAKE_NGROK_MODE", "FAKE_NGROK_STATE", "PWD", "SHLVL", "_",
    ];

    [Fact]
    public async Task The_agent_gets_only_the_environment_it_needs()
    {
        using var agent = new FakeNgrokAgent("ok");
        await RunUntilOpenThenStopAsync(agent);

        Assert.Contains("NGROK_AUTHTOKEN", agent.EnvironmentNames);
        Assert.Contains("PATH", agent.EnvironmentNames);
        Assert.Empty(agent.EnvironmentNames.Except(AgentVariables));
    }

    [Fact]
    public async Task The_inspector_is_on_only_when_asked()
    {
        using var agent = new FakeNgrokAgent("ok");
        await RunUntilOpenThenStopAsync(agent, "--inspect");
        Assert.Contains("--inspect=true", agent.Args);
    }

    [Fact]
    public async Task An_authtoken_in_ngroks_error_text_is_redacted()
    {
        using var agent = new FakeNgrokAgent("leaky");
        var run = await CliRunner.RunAsync(Environment(agent, "tok_leaky_2xYz81"), ["tunnel", "--port", "8123"]);

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Contains("[redacted]", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("tok_leaky_2xYz81", run.Error + run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_url_is_taken_from_the_local_api_when_no_log_line_names_it()
    {
        using var agent = new FakeNgrokAgent("api");
        var (code, output, _) = await RunUntilOpenThenStopAsync(agent);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains($"https://fake-{agent.Pid}.ngrok-free.app/webhook/post-call", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_agent_that_ignores_sigterm_is_killed_after_the_grace_period()
    {
        using var agent = new FakeNgrokAgent("stubborn");
        var (code, _, _) = await RunUntilOpenThenStopAsync(agent);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.False(agent.IsRunning, "a stubborn agent was left running");
    }

    [Theory]
    [InlineData("no-token", null, "ERR_NGROK_4018", "Set NGROK_AUTHTOKEN")]
    [InlineData("session-limit", "tok", "ERR_NGROK_108", "Another ngrok agent is already running")]
    [InlineData("exit-early", "tok", "exited (code 3) before reporting a public URL", null)]
    public async Task Agent_failures_show_ngroks_own_words_and_a_next_step(string mode, string? token, string words, string? hint)
    {
        using var agent = new FakeNgrokAgent(mode);
        var run = await CliRunner.RunAsync(Environment(agent, token), ["tunnel", "--port", "8123"]);

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Contains(words, run.Error, StringComparison.Ordinal);
        if (hint is not null)
        {
            Assert.Contains(hint, run.Error, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
        Assert.False(agent.IsRunning);
    }

    [Fact]
    public async Task No_url_within_the_timeout_is_an_error_and_leaves_no_agent()
    {
        using var agent = new FakeNgrokAgent("silent");
        var run = await CliRunner.RunAsync(Environment(agent), ["tunnel", "--port", "8123", "--timeout", "2"]);

        Assert.Equal(ExitCodes.Failure, run.ExitCode);
        Assert.Contains("did not report a public URL within 2 s", run.Error, StringComparison.Ordinal);
        Assert.False(agent.IsRunning);
    }

    [Fact]
    public async Task A_missing_agent_says_how_to_install_it()
    {
        var empty = Directory.CreateTempSubdirectory("no-ngrok-").FullName;
        try
        {
            var run = await CliRunner.RunAsync(new() { ["PATH"] = empty, ["NGROK_AUTHTOKEN"] = "tok" }, ["tunnel"]);
            Assert.Equal(ExitCodes.Failure, run.ExitCode);
            Assert.Contains("ngrok agent was not found on PATH", run.Error, StringComparison.Ordinal);
            Assert.Contains("Install ngrok v3", run.Error, StringComparison.Ordinal);

            var wrongPath = await CliRunner.RunAsync(new() { ["NGROK_PATH"] = "/nonexistent/ngrok" }, ["tunnel"]);
            Assert.Contains("NGROK_PATH is /nonexistent/ngrok, but there is no file there", wrongPath.Error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(empty);
        }
    }
}
