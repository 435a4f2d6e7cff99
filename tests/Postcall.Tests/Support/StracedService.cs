namespace Postcall.Tests.Support;

/// <summary>
/// The real service, on a payload root in a folder of its own, run under strace with its trace written to a file:
/// for tests that check the system calls behind an answer. <see cref="Stop"/> ends the service, so the trace is
/// complete; disposing also removes the folder.
/// </summary>
public sealed class StracedService : IDisposable
{
    private const string Strace = "/usr/bin/strace";

    private readonly string _folder;
    private readonly ServiceProcess _service;
    private bool _stopped;

    private StracedService(string folder, ServiceProcess service, HttpClient client)
    {
        _folder = folder;
        _service = service;
        Client = client;
    }

    /// <summary>Talks to the service; it waits up to two minutes for an answer.</summary>
    public HttpClient Client { get; }

    /// <summary>The payload root, <c>ELEVENLABS_POST_CALL_PAYLOAD_PATH</c>.</summary>
    public string Root => Path.Combine(_folder, "payloads");

    public string TracePath => Path.Combine(_folder, "trace.txt");

    /// <param name="straceOptions">What to trace and how, besides the output file.</param>
    public static async Task<StracedService> StartAsync(params string[] straceOptions)
    {
        Assert.True(File.Exists(Strace), "strace is needed for this test: apt-get install strace (see the README)");
        var folder = Directory.CreateTempSubdirectory("postcall-strace-").FullName;
        var service = new ServiceProcess([Strace, .. straceOptions, "-o", Path.Combine(folder, "trace.txt")], folder, new()
        {
            ["ELEVENLABS_POST_CALL_HMAC_KEY"] = Fixtures.Secret,
            ["ELEVENLABS_POST_CALL_PAYLOAD_PATH"] = Path.Combine(folder, "payloads"),
            ["LOG_LEVEL"] = "WARNING",
        }, "--urls", ServiceProcess.AnyPort);
        try
        {
            return new StracedService(folder, service, await service.ClientAsync(TimeSpan.FromMinutes(2)));
        }
        catch
        {
            service.Dispose();
            Directory.Delete(folder, recursive: true);
            throw;
        }
    }

    /// <summary>Ends the service (and strace with it).</summary>
    public void Stop()
    {
        if (!_stopped)
        {
            _stopped = true;
            Client.Dispose();
            _service.Dispose();
        }
    }

    public void Dispose()
    {
        Stop();
        Directory.Delete(_folder, recursive: true);
    }
}
