using System.Net;
using System.Net.Sockets;
using Postcall.Tests.Support;

namespace Postcall.Tests.Hosting;

/// <summary>The built service started as a user would: a real process, its environment, its .env file.</summary>
public sealed class StartupProcessTests : IDisposable
{
    private readonly string _workDir = Directory.CreateTempSubdirectory("postcall-start-").FullName;

    public void Dispose() => Directory.Delete(_workDir, recursive: true);

    [Fact]
    public async Task An_invalid_value_stops_start_up_with_a_message_naming_the_variable()
    {
        using var service = new ServiceProcess(_workDir, new() { ["LOG_LEVEL"] = "LOUD" }, "--urls", ServiceProcess.AnyPort);
        var stderr = await service.Process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await service.Process.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.Equal(1, service.Process.ExitCode);
        Assert.Contains("LOG_LEVEL", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    /// <summary>
    /// An address the service cannot take, or one that is not an address, is a mistake to fix, not a crash: one line
    /// that says what to change, exit code 1, no abort (which a supervisor would report as a core dump), and no other
    /// error logged on the way out.
    /// </summary>
    [Fact]
    public async Task A_taken_port_or_an_address_that_is_not_one_stops_start_up_with_one_line_and_exit_code_1()
    {
        var ct = TestContext.Current.CancellationToken;
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var takenUrl = $"http://127.0.0.1:{((IPEndPoint)taken.LocalEndpoint).Port}";

        foreach (var (urls, expected) in new[]
        {
            (takenUrl, $"Failed to bind to address {takenUrl}: address already in use. Stop the program that listens there, or give this service another address with --urls or ASPNETCORE_URLS."),
            // 192.0.2.0/24 is kept for documentation: no host has it.
            ("http://192.0.2.1:8000", "Cannot listen on the configured address: Cannot assign requested address. Check --urls or ASPNETCORE_URLS."),
            ("htp:/8000", "  - --urls or ASPNETCORE_URLS: 'htp:/8000' is not an address to listen on (for example http://0.0.0.0:8000)."),
            ("http://127.0.0.1:80000", "  - --urls or ASPNETCORE_URLS: 'http://127.0.0.1:80000' is not an address to listen on (for example http://0.0.0.0:8000)."),
        })
        {
            using var service = new ServiceProcess(_workDir, new()
            {
                ["ELEVENLABS_POST_CALL_HMAC_KEY"] = Fixtures.Secret,
                ["ELEVENLABS_POST_CALL_PAYLOAD_PATH"] = Path.Combine(_workDir, "payloads"),
                ["LOG_LEVEL"] = "WARNING",
            }, "--urls", urls);
            var reading = service.Process.StandardError.ReadToEndAsync(ct);
            await service.Process.WaitForExitAsync(ct).WaitAsync(TimeSpan.FromSeconds(30), ct);
            var stderr = await reading;

            Assert.Equal(1, service.Process.ExitCode);
            Assert.Contains(expected, stderr.Split('\n'), StringComparer.Ordinal);
            Assert.DoesNotContain("Unhandled exception", stderr, StringComparison.Ordinal);
            // The one line says it all: no stack frame anywhere in the output, not even in the host's "Hosting failed
            // to start", and nothing else fails as it stops (a background loop left running into disposed services
            // would log errors that point away from the cause).
            Assert.All(service.OutputLines.Append(stderr), l => Assert.DoesNotContain("   at ", l, StringComparison.Ordinal));
            Assert.DoesNotContain(service.OutputLines, l => l.Contains(" fail: ", StringComparison.Ordinal) || l.Contains(" crit: ", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task A_second_service_on_the_same_root_is_refused_and_the_root_is_free_again_after_a_crash()
    {
        var ct = TestContext.Current.CancellationToken;
        var root = Path.Combine(_workDir, "shared-root");
        ServiceProcess Start() => new(_workDir, new()
        {
            ["ELEVENLABS_POST_CALL_HMAC_KEY"] = Fixtures.Secret,
            ["ELEVENLABS_POST_CALL_PAYLOAD_PATH"] = root,
            ["LOG_LEVEL"] = "WARNING",
        }, "--urls", ServiceProcess.AnyPort);

        using var first = Start();
        using var firstClient = await first.ClientAsync();

        using (var second = Start())
        {
            // A second service that kept running would fail this wait rather than hang the test.
            await second.Process.WaitForExitAsync(ct).WaitAsync(TimeSpan.FromSeconds(30), ct);
            var stderr = await second.Process.StandardError.ReadToEndAsync(ct);
            Assert.Equal(1, second.Process.ExitCode);
            Assert.Contains($"Another Postcall service (pid {first.Process.Id}) is already storing payloads under {root}", stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        }

        using (var stillServing = await firstClient.SendAsync(Deliveries.SignedRequest(Deliveries.Transcription("first")), ct))
        {
            Assert.Equal(HttpStatusCode.OK, stillServing.StatusCode);
        }

        first.Process.Kill(); // the kernel lets go of the lock with the process
        await first.Process.WaitForExitAsync(ct);
        using var third = Start();
        using var thirdClient = await third.ClientAsync();
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
        using var service = new ServiceProcess(_workDir, new() { ["LOG_LEVEL"] = "WARNING" }, "--urls", ServiceProcess.AnyPort);
        using var client = await service.ClientAsync();

        using var response = await client.SendAsync(Deliveries.SignedRequest(Deliveries.Transcription("dotenv")), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(File.Exists(Path.Combine(_workDir, "from-dotenv", "dotenv", "dotenv_transcription.json")));
    }

    [Fact]
    public async Task Conversation_folders_under_the_working_directory_are_not_watched()
    {
        using var service = Serve();
        using var client = await service.ClientAsync();
        for (var i = 0; i < 20; i++)
        {
            using var response = await client.SendAsync(Deliveries.SignedRequest(Deliveries.Transcription($"watched-{i}")), TestContext.Current.CancellationToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // A configuration file watcher on the working folder would hold an inotify watch per conversation folder.
        // The index writer works after the answers, so a descriptor listed here may be closed before it is read.
        var watches = Directory.EnumerateFiles($"/proc/{service.Process.Id}/fdinfo").Sum(InotifyWatches);
        Assert.True(watches < 5, $"{watches} inotify watches");
    }

    [Fact]
    public async Task Starting_and_answering_never_load_the_expression_compiler()
    {
        var ct = TestContext.Current.CancellationToken;
        using var service = Serve();
        using var client = await service.ClientAsync();

        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/webhook/post-call");
        preflight.Headers.Add("Origin", "https://example.test");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        using (var answer = await client.SendAsync(preflight, ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, answer.StatusCode);
        }

        using var delivery = Deliveries.SignedRequest(Deliveries.Transcription("compiled"));
        delivery.Headers.Add("Origin", "https://example.test");
        using (var answer = await client.SendAsync(delivery, ct))
        {
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Equal("*", answer.Headers.GetValues("Access-Control-Allow-Origin").Single());
        }

        // A middleware bound by UseMiddleware whose Invoke takes a service (CORS, through UseCors) is called through an
        // expression tree compiled at start-up: loading that compiler cost every start tens of milliseconds.
        var maps = await File.ReadAllTextAsync($"/proc/{service.Process.Id}/maps", ct);
        Assert.DoesNotContain("System.Linq.Expressions.dll", maps, StringComparison.Ordinal);
    }

    /// <summary>The service on a port the system picks, storing under <c>./payloads</c> of the working folder.</summary>
    private ServiceProcess Serve() => new(_workDir, new()
    {
        ["ELEVENLABS_POST_CALL_HMAC_KEY"] = Fixtures.Secret,
        ["ELEVENLABS_POST_CALL_PAYLOAD_PATH"] = "./payloads",
        ["LOG_LEVEL"] = "WARNING",
    }, "--urls", ServiceProcess.AnyPort);

    private static int InotifyWatches(string fdInfo)
    {
        try
        {
            return File.ReadLines(fdInfo).Count(line => line.StartsWith("inotify ", StringComparison.Ordinal));
        }
        catch (FileNotFoundException)
        {
            return 0;
        }
    }
}
