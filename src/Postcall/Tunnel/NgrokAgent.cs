using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Postcall.Tunnel;

/// <summary>
/// The ngrok agent (v3) as a child process with JSON logs on stdout. The public URL comes from its
/// <c>started tunnel</c> line, or from its local API (<c>/api/tunnels</c>) whose address it logs. Disposing stops it:
/// SIGTERM, then a kill after a grace period; if we are killed outright, <see cref="AgentProcess"/> makes the kernel kill
/// it too. It gets only the environment it needs, its request inspector is off unless asked, and its error text is
/// shown with the authtoken redacted.
/// </summary>
internal sealed class NgrokAgent : IAsyncDisposable
{
    private readonly Process _process;
    private readonly NgrokOptions _options;
    private readonly TaskCompletionSource<Uri> _url = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly StringBuilder _errors = new();
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();

    private NgrokAgent(Process process, NgrokOptions options)
    {
        _process = process;
        _options = options;
    }

    public Uri PublicUrl => _url.Task.IsCompletedSuccessfully ? _url.Task.Result : throw new InvalidOperationException("The tunnel is not open.");

    /// <summary>Completes when the agent exits, for whatever reason.</summary>
    public Task Exited => _process.WaitForExitAsync();

    public static async Task<NgrokAgent> StartAsync(NgrokOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var executable = NgrokExecutable.Find(options.ExecutablePath, options.SearchPath);
        var process = await AgentProcess.StartAsync(executable, Arguments(options), AgentEnvironment(options));
        var agent = new NgrokAgent(process, options);
        try
        {
            await agent.WaitForUrlAsync(cancellationToken);
            return agent;
        }
        catch
        {
            await agent.DisposeAsync();
            throw;
        }
    }

    private static List<string> Arguments(NgrokOptions options) =>
    [
        "http", options.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        $"--inspect={(options.Inspect ? "true" : "false")}", "--log", "stdout", "--log-format", "json",
    ];

    /// <summary>
    /// What the agent may see of ours: where to find itself, its config and certificates, proxies, and its authtoken.
    /// Nothing else: the service's environment holds webhook secrets and API keys.
    /// </summary>
    private static Dictionary<string, string> AgentEnvironment(NgrokOptions options)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in PassedVariables)
        {
            if (Environment.GetEnvironmentVariable(name) is { Length: > 0 } value)
            {
                environment[name] = value;
            }
        }

        if (!string.IsNullOrEmpty(options.AuthToken))
        {
            environment[NgrokOptions.AuthTokenVariable] = options.AuthToken;
        }

        return environment;
    }

    private static readonly string[] PassedVariables =
    [
        "PATH", "HOME", "USER", "LOGNAME", "TMPDIR", "TZ", "LANG", "LC_ALL", "XDG_CONFIG_HOME", "SSL_CERT_FILE", "SSL_CERT_DIR",
        "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "no_proxy", "all_proxy",
    ];

    private async Task WaitForUrlAsync(CancellationToken cancellationToken)
    {
        var stdout = Task.Run(() => ReadLogAsync(_stopping.Token), CancellationToken.None);
        var stderr = Task.Run(() => ReadErrorsAsync(_stopping.Token), CancellationToken.None);
        var exited = _process.WaitForExitAsync(CancellationToken.None);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.StartTimeout);

        var first = await Task.WhenAny(_url.Task, exited, Task.Delay(Timeout.Infinite, timeout.Token));
        if (first == _url.Task)
        {
            return;
        }

        cancellationToken.ThrowIfCancellationRequested();
        if (first == exited)
        {
            // Let the readers take in the last lines the agent wrote before it went.
            await Task.WhenAny(Task.WhenAll(stdout, stderr), Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None));
            var text = ErrorText();
            throw new TunnelException(text.Length > 0
                ? NgrokErrors.Explain(text)
                : $"ngrok exited (code {_process.ExitCode}) before reporting a public URL.");
        }

        var pending = ErrorText();
        throw new TunnelException($"ngrok did not report a public URL within {_options.StartTimeout.TotalSeconds:0} s."
            + (pending.Length > 0 ? Environment.NewLine + NgrokErrors.Explain(pending) : string.Empty));
    }

    private async Task ReadLogAsync(CancellationToken cancellationToken)
    {
        while (await _process.StandardOutput.ReadLineAsync(cancellationToken) is { } line)
        {
            if (NgrokLogLine.Parse(line) is not { } entry)
            {
                continue;
            }

            if (entry.IsError && entry.Error is { } error)
            {
                AddError(error);
            }
            else if (entry.Message == "started tunnel" && TryHttps(entry.Url, out var url))
            {
                _url.TrySetResult(url);
            }
            else if (entry.Message == "starting web service" && entry.Address is { } address)
            {
                _ = Task.Run(() => PollApiAsync(address, cancellationToken), CancellationToken.None);
            }
        }
    }

    private async Task ReadErrorsAsync(CancellationToken cancellationToken)
    {
        while (await _process.StandardError.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Trim().Length > 0)
            {
                AddError(line.Trim());
            }
        }
    }

    /// <summary>Asks the agent's local API for its https tunnel, for agents that log no <c>started tunnel</c> line.</summary>
    private async Task PollApiAsync(string address, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = new Uri($"http://{address}"), Timeout = TimeSpan.FromSeconds(2) };
        while (!_url.Task.IsCompleted && !cancellationToken.IsCancellationRequested)
        {
            try
            {
                var tunnels = await client.GetFromJsonAsync<JsonElement>("/api/tunnels", cancellationToken);
                foreach (var tunnel in tunnels.GetProperty("tunnels").EnumerateArray())
                {
                    if (tunnel.TryGetProperty("public_url", out var publicUrl) && TryHttps(publicUrl.GetString(), out var url))
                    {
                        _url.TrySetResult(url);
                        return;
                    }
                }
            }
            catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException or KeyNotFoundException or InvalidOperationException)
            {
                // Not up yet, or no tunnel yet: ask again shortly.
            }

            await Task.Delay(250, cancellationToken);
        }
    }

    private static bool TryHttps(string? value, out Uri url) =>
        Uri.TryCreate(value, UriKind.Absolute, out url!) && url.Scheme == Uri.UriSchemeHttps;

    private void AddError(string text)
    {
        // ngrok's messages can quote its configuration, authtoken included: nothing of it is shown as it came.
        text = NgrokErrors.Redact(text, _options.AuthToken);
        lock (_gate)
        {
            if (_errors.Length < 4096)
            {
                _errors.AppendLine(text);
            }
        }
    }

    private string ErrorText()
    {
        lock (_gate)
        {
            return _errors.ToString().Trim();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (!_process.HasExited)
        {
            ProcessSignals.Terminate(_process.Id);
            using var grace = new CancellationTokenSource(_options.StopGrace);
            try
            {
                await _process.WaitForExitAsync(grace.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(CancellationToken.None);
            }
        }

        _process.Dispose();
        _stopping.Dispose();
    }
}
