using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Postcall.Tests.Support;

namespace Postcall.Tests.Deploy;

/// <summary>
/// <c>deploy/local-cluster</c> run as a user runs it (it builds Release, starts PostgreSQL, moto, two instances and
/// nginx): one instance killed with SIGKILL under load loses nothing it acknowledged, the cluster keeps serving, the
/// script starts the dead instance again, and Ctrl+C says plainly what it deletes.
/// </summary>
[Trait("Needs", "nginx")]
public sealed class LocalClusterTests
{
    private const string Key = "local-cluster-test-key-5a1f";
    private const string LeakedAdminKey = "an-admin-key-from-another-setup";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Killing_one_instance_under_load_keeps_the_cluster_serving_every_acknowledged_call_and_it_comes_back()
    {
        // A quick-start .env in the repository, as a user who followed the README has (left alone if there is one).
        var dotEnv = Repository.PathOf(".env");
        var wroteDotEnv = !File.Exists(dotEnv);
        if (wroteDotEnv)
        {
            await File.WriteAllTextAsync(dotEnv, $"POSTCALL_ADMIN_KEY={LeakedAdminKey}\nPOSTCALL_FORWARD_ALLOW_PRIVATE=true\n", Cancel);
        }

        try
        {
            await KillOneInstanceAsync();
        }
        finally
        {
            if (wroteDotEnv)
            {
                File.Delete(dotEnv);
            }
        }
    }

    private static async Task KillOneInstanceAsync()
    {
        using var cluster = await LocalCluster.StartAsync();
        using var client = new HttpClient { BaseAddress = cluster.Url, Timeout = TimeSpan.FromSeconds(60) };
        var victimPid = cluster.InstancePid(1);

        var acknowledged = new ConcurrentDictionary<string, byte[]>();
        var sent = 0;
        var killed = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, 240), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Cancel }, async (i, _) =>
        {
            var cid = $"cluster{i:D3}";
            var body = Encoding.UTF8.GetBytes(Deliveries.Transcription(cid).Replace("Hello", $"Hello number {i}", StringComparison.Ordinal));
            try
            {
                using var response = await client.SendAsync(Deliveries.SignedRequest(body), Cancel);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    acknowledged[cid] = body;
                }
            }
            catch (HttpRequestException)
            {
                // Not acknowledged: ElevenLabs would retry it. Only a 200 is a promise.
            }

            if (Interlocked.Increment(ref sent) == 80 && Interlocked.Exchange(ref killed, 1) == 0)
            {
                Process.GetProcessById(victimPid).Kill();
            }
        });

        Assert.Equal(1, killed);

        // Settings of its own: an admin key from the calling shell or the repository's .env is no key there.
        using (var leaked = new HttpRequestMessage(HttpMethod.Get, "/api/destinations"))
        {
            leaked.Headers.Authorization = new AuthenticationHeaderValue("Bearer", LeakedAdminKey);
            using var refused = await client.SendAsync(leaked, Cancel);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        Assert.True(acknowledged.Count > 200, $"only {acknowledged.Count} of 240 deliveries were acknowledged");

        // The cluster is still up, and every acknowledged call reads back through the balancer, byte for byte.
        using (var health = await client.GetAsync(new Uri("/health", UriKind.Relative), Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        foreach (var (cid, body) in acknowledged)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/conversations/{cid}/raw/transcription");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);
            using var raw = await client.SendAsync(request, Cancel);
            Assert.Equal(HttpStatusCode.OK, raw.StatusCode);
            Assert.Equal(body, await raw.Content.ReadAsByteArrayAsync(Cancel));
        }

        // The script noticed and started the instance again, on its own port: two instances again.
        await cluster.Errors.WaitForAsync(l => l.StartsWith("instance 1 is back", StringComparison.Ordinal), TimeSpan.FromSeconds(90));
        Assert.NotEqual(victimPid, cluster.InstancePid(1));
        foreach (var n in new[] { 1, 2 })
        {
            using var direct = new HttpClient { BaseAddress = cluster.InstanceUrl(n) };
            using var health = await direct.GetAsync(new Uri("/health", UriKind.Relative), Cancel);
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        // Ctrl+C: everything stops, and what is deleted is said, not done silently.
        var stopped = await cluster.InterruptAsync();
        Assert.Equal(0, stopped);
        var said = await cluster.Errors.WaitForAsync(l => l.StartsWith("stopped.", StringComparison.Ordinal), TimeSpan.FromSeconds(5));
        var deleted = System.Text.RegularExpressions.Regex.Match(said, @"Deleted with the cluster: (\d+) stored conversation");
        Assert.True(deleted.Success, said);
        Assert.InRange(int.Parse(deleted.Groups[1].Value, CultureInfo.InvariantCulture), acknowledged.Count, 240);
        Assert.False(Directory.Exists(cluster.Folder));
        Assert.Contains(cluster.Output.Lines, l => l.Contains("Ctrl+C ends the cluster and", StringComparison.Ordinal));
    }

    /// <summary>The script as a child process, its output read as it comes.</summary>
    private sealed class LocalCluster : IDisposable
    {
        private readonly Process _process;

        private LocalCluster(Process process, OutputLines output, OutputLines errors)
        {
            _process = process;
            Output = output;
            Errors = errors;
        }

        public OutputLines Output { get; }

        public OutputLines Errors { get; }

        public Uri Url { get; private set; } = null!;

        public string Folder { get; private set; } = null!;

        public int InstancePid(int n) => int.Parse(File.ReadAllText(Path.Combine(Folder, $"instance{n}.pid")).Trim(), CultureInfo.InvariantCulture);

        public Uri InstanceUrl(int n) => new($"http://127.0.0.1:{File.ReadAllText(Path.Combine(Folder, $"instance{n}.port")).Trim()}");

        public static async Task<LocalCluster> StartAsync()
        {
            // nginx cannot be told to take any free port and say which; a port another program takes between the
            // pick and nginx's bind makes the script stop with "nginx did not start", and the next pick is tried.
            for (var attempt = 1; ; attempt++)
            {
                var cluster = Start(ServiceProcess.FreePort());
                try
                {
                    var url = await cluster.Output.WaitForAsync(l => l.TrimStart().StartsWith("URL ", StringComparison.Ordinal), TimeSpan.FromMinutes(6));
                    var folder = await cluster.Output.WaitForAsync(l => l.TrimStart().StartsWith("folder ", StringComparison.Ordinal), TimeSpan.FromSeconds(5));
                    cluster.Url = new Uri(url.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
                    cluster.Folder = folder.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
                    return cluster;
                }
                catch (InvalidOperationException) when (attempt < 3 && cluster.Errors.Lines.Any(l => l.Contains("Address already in use", StringComparison.Ordinal)))
                {
                    cluster.Dispose();
                }
                catch
                {
                    cluster.Dispose();
                    throw;
                }
            }
        }

        private static LocalCluster Start(int port)
        {
            // A shell cannot trap a SIGINT it was started ignoring: give it the terminal's default (ServiceProcess.DefaultSignals).
            var info = new ProcessStartInfo(ServiceProcess.DefaultSignals[0]) { WorkingDirectory = Repository.Root, RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in ServiceProcess.DefaultSignals.Skip(1).Append("bash").Append("deploy/local-cluster"))
            {
                info.ArgumentList.Add(arg);
            }

            info.Environment["PORT"] = port.ToString(CultureInfo.InvariantCulture);
            info.Environment["ELEVENLABS_POST_CALL_HMAC_KEY"] = Fixtures.Secret;
            info.Environment["POSTCALL_API_KEY"] = Key;
            // Must not reach the instances: the script gives them settings of their own.
            info.Environment["POSTCALL_ADMIN_KEY"] = LeakedAdminKey;
            info.Environment["POSTCALL_FORWARD_URLS"] = "http://127.0.0.1:9/never";
            var output = new OutputLines();
            var errors = new OutputLines();
            var process = Process.Start(info)!;
            process.OutputDataReceived += (_, e) => output.Add(e.Data);
            process.ErrorDataReceived += (_, e) => errors.Add(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return new LocalCluster(process, output, errors);
        }

        /// <summary>What a terminal sends on Ctrl+C; the script's exit code once it has stopped everything.</summary>
        public async Task<int> InterruptAsync()
        {
            using (var interrupt = Process.Start("kill", ["-INT", _process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await interrupt.WaitForExitAsync(Cancel);
            }

            try
            {
                await _process.WaitForExitAsync(Cancel).WaitAsync(TimeSpan.FromSeconds(120), Cancel);
            }
            catch (TimeoutException)
            {
                throw new TimeoutException("the script did not stop within 120 s of Ctrl+C; it said: " + string.Join(" | ", Errors.Lines.TakeLast(8)));
            }

            return _process.ExitCode;
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                // As a user's Ctrl+C would: the script stops what it started.
                using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
                {
                    term.WaitForExit();
                }

                if (!_process.WaitForExit(TimeSpan.FromSeconds(60)))
                {
                    _process.Kill(entireProcessTree: true);
                }
            }

            _process.Dispose();
        }
    }
}
