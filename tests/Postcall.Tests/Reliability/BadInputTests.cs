using System.Net;
using System.Net.Sockets;
using System.Text;
using Postcall.ElevenLabs;
using Postcall.Tests.Support;

namespace Postcall.Tests.Reliability;

/// <summary>
/// Over a hundred malformed requests against real Kestrel, then raw-socket abuse: never a 5xx, never a file outside
/// the root or a temp file left behind, and the service keeps answering.
/// </summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private readonly string _parent = Directory.CreateTempSubdirectory("postcall-bad-").FullName;
    private KestrelHost _factory = null!;
    private Uri _base = null!;

    private string Root => Path.Combine(_parent, "payloads");

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(Root);
        _factory = await KestrelHost.StartAsync(new() { ["ELEVENLABS_POST_CALL_PAYLOAD_PATH"] = Root, ["POSTCALL_MAX_BODY_BYTES"] = "1048576" });
        _base = _factory.BaseAddress;
    }

    public async ValueTask DisposeAsync()
    {
        await _factory.DisposeAsync();
        Directory.Delete(_parent, recursive: true);
    }

    [Fact]
    public async Task The_catalogue_never_gets_a_5xx_and_leaves_nothing_behind()
    {
        var cases = BadInputCatalogue.All().ToList();
        Assert.True(cases.Count >= 100, $"only {cases.Count} cases");
        using var client = new HttpClient { BaseAddress = _base };
        var failures = new List<string>();
        foreach (var bad in cases)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, bad.Path) { Content = new ByteArrayContent(bad.Body) };
            if (bad.ContentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", bad.ContentType);
            }

            if (bad.Signature is not null)
            {
                request.Headers.TryAddWithoutValidation(SignatureHeader.Name, bad.Signature);
            }

            using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
            var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            if ((int)response.StatusCode is < 400 or >= 500 || !text.Contains("\"status\":\"error\"", StringComparison.Ordinal))
            {
                failures.Add($"{bad.Name}: {(int)response.StatusCode} {text[..Math.Min(200, text.Length)]}");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
        await AssertStillHealthyAndCleanAsync();
    }

    public static TheoryData<string, string> RawRequests => new()
    {
        { "bad chunk size", "POST /webhook/post-call HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nelevenlabs-signature: t=1,v0=0\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n" },
        { "content-length and chunked", "POST /webhook/post-call HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" },
        { "huge declared length", $"POST /webhook/post-call HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n{SignedHeaderFor("{}")}\r\nContent-Length: 10000000000\r\n\r\n{{}}" },
        { "no host", "POST /webhook/post-call HTTP/1.1\r\nContent-Length: 0\r\n\r\n" },
        { "garbage request line", "HELLO\r\n\r\n" },
        { "header too large", $"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: {new string('a', 40_000)}\r\n\r\n" },
        { "bad method", "BREW /health HTTP/1.1\r\nHost: x\r\n\r\n" },
        { "path traversal", "GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n" },
        { "http/1.0 post", "POST /webhook HTTP/1.0\r\nContent-Length: 2\r\n\r\n{}" },
        { "null in header", "GET /health HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n" },
    };

    [Theory]
    [MemberData(nameof(RawRequests))]
    public async Task Raw_malformed_http_is_refused_without_a_5xx(string name, string raw)
    {
        var status = await SendRawAsync(Encoding.Latin1.GetBytes(raw), closeAfterSend: false);
        Assert.True(status is null or (>= 400 and < 500), $"{name}: {status}");
        await AssertStillHealthyAndCleanAsync();
    }

    [Fact]
    public async Task A_body_shorter_than_its_content_length_leaves_nothing()
    {
        var body = Fixtures.Bytes("post_call_transcription.json");
        var head = $"POST /webhook/post-call HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n{SignedHeaderFor(body)}\r\nContent-Length: {body.Length + 500}\r\n\r\n";
        var status = await SendRawAsync([.. Encoding.ASCII.GetBytes(head), .. body], closeAfterSend: true);
        Assert.True(status is null or (>= 400 and < 500), $"status {status}");
        await AssertStillHealthyAndCleanAsync();
    }

    [Fact]
    public async Task A_client_that_disconnects_mid_audio_leaves_nothing()
    {
        var audio = new byte[800_000];
        new Random(8).NextBytes(audio);
        var body = Encoding.ASCII.GetBytes(Deliveries.Audio("vanished", audio));
        var head = $"POST /webhook/post-call HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n{SignedHeaderFor(body)}\r\nTransfer-Encoding: chunked\r\n\r\n";
        using (var socket = await ConnectAsync())
        {
            await using var stream = new NetworkStream(socket);
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head), TestContext.Current.CancellationToken);
            for (var i = 0; i < body.Length / 2; i += 16 * 1024)
            {
                var n = Math.Min(16 * 1024, (body.Length / 2) - i);
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"{n:X}\r\n"), TestContext.Current.CancellationToken);
                await stream.WriteAsync(body.AsMemory(i, n), TestContext.Current.CancellationToken);
                await stream.WriteAsync("\r\n"u8.ToArray(), TestContext.Current.CancellationToken);
            }

            socket.LingerState = new LingerOption(true, 0); // RST, like a dropped connection
        }

        await AssertStillHealthyAndCleanAsync();
    }

    [Fact]
    public async Task A_slow_trickled_body_is_judged_normally()
    {
        var body = Fixtures.Bytes("post_call_transcription.json");
        var head = $"POST /webhook/post-call HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n{SignedHeaderFor(body, "wsec_not_ours")}\r\nContent-Length: {body.Length}\r\n\r\n";
        using var socket = await ConnectAsync();
        await using var stream = new NetworkStream(socket);
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), TestContext.Current.CancellationToken);
        foreach (var piece in body.Chunk(200))
        {
            await stream.WriteAsync(piece, TestContext.Current.CancellationToken);
            await Task.Delay(40, TestContext.Current.CancellationToken);
        }

        Assert.Equal(401, await ReadStatusAsync(stream));
        await AssertStillHealthyAndCleanAsync();
    }

    private static string SignedHeaderFor(string body) => SignedHeaderFor(Encoding.UTF8.GetBytes(body));

    private static string SignedHeaderFor(byte[] body, string secret = Fixtures.Secret) =>
        $"{SignatureHeader.Name}: {SignatureSigner.Sign(secret, Deliveries.Now, body)}";

    private async Task<Socket> ConnectAsync()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, _base.Port, TestContext.Current.CancellationToken);
        return socket;
    }

    private async Task<int?> SendRawAsync(byte[] request, bool closeAfterSend)
    {
        using var socket = await ConnectAsync();
        await using var stream = new NetworkStream(socket);
        try
        {
            await stream.WriteAsync(request, TestContext.Current.CancellationToken);
            if (closeAfterSend)
            {
                socket.Shutdown(SocketShutdown.Send);
            }

            return await ReadStatusAsync(stream);
        }
        catch (IOException)
        {
            return null; // the server closed the connection: no answer, and certainly no 5xx
        }
    }

    private static async Task<int?> ReadStatusAsync(Stream stream)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(15));
        var buffer = new byte[64];
        var read = await stream.ReadAtLeastAsync(buffer, 12, throwOnEndOfStream: false, timeout.Token);
        var line = Encoding.ASCII.GetString(buffer, 0, read);
        return line.StartsWith("HTTP/1.", StringComparison.Ordinal) && line.Length >= 12 ? int.Parse(line[9..12], System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    private async Task AssertStillHealthyAndCleanAsync()
    {
        using var client = new HttpClient { BaseAddress = _base };
        // A cut-off request may still be starting or unwinding when the client sees the connection close: wait until
        // the temp folder has stayed empty for a while (or give up after 10 s and let the assertion below report it).
        var temp = Path.Combine(Root, ".postcall", "tmp");
        for (int attempt = 0, quiet = 0; attempt < 100 && quiet < 5; attempt++)
        {
            quiet = Directory.GetFiles(temp).Length == 0 ? quiet + 1 : 0;
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        using var health = await client.GetAsync(new Uri("/health", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        PayloadRootAssertions.NothingStored(Root);
        Assert.Equal(["payloads"], Directory.GetFileSystemEntries(_parent).Select(Path.GetFileName));
    }
}
