using System.Net;
using System.Net.Sockets;
using Postcall.ElevenLabs;
using Postcall.Receiving;
using Postcall.Tests.Support;

namespace Postcall.Tests.Reliability;

/// <summary>
/// What unsigned bodies with a well-formed header can cost: many parallel uploads from one address keep only a few
/// bodies on disk at once, and a genuine delivery from elsewhere still gets 200 meanwhile. With the metrics tests,
/// since one reads <c>postcall_unverified_bytes</c>, which another test's bodies would move.
/// </summary>
[Collection(nameof(Observability.MeteredTestsRunAlone))]
public sealed class UnverifiedAdmissionTests
{
    private const int Uploads = 30;
    private const int UploadBytes = 20 * 1024 * 1024;

    [Fact]
    public async Task Thirty_parallel_20_MB_forgeries_from_one_address_spool_only_a_few_at_once_and_a_genuine_delivery_passes()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var service = await KestrelHost.StartAsync();
        var temp = Path.Combine(service.PayloadRoot, ".postcall", "tmp");
        using var attacker = service.CreateClient();
        using var genuine = ClientFrom(IPAddress.Parse("127.0.0.2"), service.BaseAddress);

        // A body the size of a long recording, with a header of the right shape: current t, a made-up MAC.
        var forgedBody = new byte[UploadBytes];
        Array.Fill(forgedBody, (byte)'A');
        var forgedHeader = $"t={Deliveries.Now},v0={Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())}{Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())}";

        long peak = 0;
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var watcher = Task.Run(async () =>
        {
            while (!watching.IsCancellationRequested)
            {
                var spooled = Directory.Exists(temp) ? new DirectoryInfo(temp).EnumerateFiles().Sum(f => SafeLength(f)) : 0;
                peak = Math.Max(peak, spooled);
                await Task.Delay(2, CancellationToken.None);
            }
        }, CancellationToken.None);

        var attack = Enumerable.Range(0, Uploads).Select(async _ =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, Deliveries.Path) { Content = new ByteArrayContent(forgedBody) };
            request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
            request.Headers.TryAddWithoutValidation(SignatureHeader.Name, forgedHeader);
            using var response = await attacker.SendAsync(request, ct);
            return response.StatusCode;
        }).ToList();

        // While the forgeries stream in, a real delivery arrives from another address.
        await Task.Delay(100, ct);
        var mp3 = Fixtures.Bytes("sample_call.mp3");
        using (var delivery = await genuine.SendAsync(Deliveries.SignedRequest(Deliveries.Audio("genuine-during-attack", mp3)), ct))
        {
            Assert.Equal(HttpStatusCode.OK, delivery.StatusCode);
        }

        var statuses = await Task.WhenAll(attack);
        await watching.CancelAsync();
        await watcher;

        Assert.All(statuses, status => Assert.Contains(status, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests }));
        TestContext.Current.TestOutputHelper?.WriteLine($"peak spooled at once: {peak / (1024 * 1024)} MB of {Uploads * UploadBytes / (1024 * 1024)} MB sent");
        long sent = (long)Uploads * UploadBytes;
        long bound = (long)AdmissionLimits.DefaultPerClient * UploadBytes;
        Assert.True(peak <= bound, $"{peak / (1024 * 1024)} MB were spooled at once; the bound is {bound / (1024 * 1024)} MB");
        Assert.True(peak < sent / 3, $"{peak / (1024 * 1024)} MB of {sent / (1024 * 1024)} MB sent were spooled at once");
        Assert.Equal(mp3, await File.ReadAllBytesAsync(Path.Combine(service.PayloadRoot, "genuine-during-attack", "genuine-during-attack_audio.mp3"), ct));
        PayloadRootAssertions.OnlyPayloadFiles(service.PayloadRoot);
    }

    [Fact]
    public async Task The_metrics_show_unverified_bytes_while_a_body_arrives_and_none_after()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var service = await KestrelHost.StartAsync();
        using var client = service.CreateClient();
        var body = new byte[8 * 1024 * 1024];
        Array.Fill(body, (byte)'A');
        var content = new HalfThenRestContent(body, declareLength: true);
        using var request = new HttpRequestMessage(HttpMethod.Post, Deliveries.Path) { Content = content };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        request.Headers.TryAddWithoutValidation(SignatureHeader.Name, $"t={Deliveries.Now},v0={new string('0', 64)}");
        var forged = client.SendAsync(request, ct);
        await content.HalfSent.WaitAsync(TimeSpan.FromSeconds(30), ct);

        double bytes = 0;
        for (var attempt = 0; attempt < 100 && bytes < body.Length / 4; attempt++)
        {
            await Task.Delay(50, ct);
            bytes = (await ScrapeAsync(client, ct)).Sum("postcall_unverified_bytes");
        }

        Assert.InRange(bytes, body.Length / 4, body.Length);
        Assert.Equal(1, (await ScrapeAsync(client, ct)).Sum("postcall_unverified_bodies"));
        content.SendTheRest();
        using (var refused = await forged)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        // The exporter caches a scrape for a moment: ask until it is a fresh one.
        var after = await ScrapeAsync(client, ct);
        for (var attempt = 0; attempt < 100 && after.Sum("postcall_unverified_bodies") > 0; attempt++)
        {
            await Task.Delay(50, ct);
            after = await ScrapeAsync(client, ct);
        }

        Assert.Equal((0, 0), (after.Sum("postcall_unverified_bytes"), after.Sum("postcall_unverified_bodies")));
    }

    private static async Task<Observability.PrometheusText> ScrapeAsync(HttpClient client, CancellationToken ct) =>
        new(await client.GetStringAsync(new Uri("/metrics", UriKind.Relative), ct));

    [Fact]
    public async Task A_burst_of_genuine_audio_from_one_sender_waits_for_places_instead_of_being_refused()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var service = await KestrelHost.StartAsync();
        using var client = service.CreateClient();
        var recordings = Enumerable.Range(0, AdmissionLimits.DefaultPerClient + 4).Select(i =>
        {
            var mp3 = new byte[4 * 1024 * 1024];
            new Random(i).NextBytes(mp3);
            return mp3;
        }).ToList();

        var deliveries = recordings.Select(async (mp3, i) =>
        {
            using var response = await client.SendAsync(Deliveries.SignedRequest(Deliveries.Audio($"burst-{i}", mp3)), ct);
            return response.StatusCode;
        });

        Assert.All(await Task.WhenAll(deliveries), status => Assert.Equal(HttpStatusCode.OK, status));
        for (var i = 0; i < recordings.Count; i++)
        {
            Assert.Equal(recordings[i], await File.ReadAllBytesAsync(Path.Combine(service.PayloadRoot, $"burst-{i}", $"burst-{i}_audio.mp3"), ct));
        }
    }

    [Fact]
    public async Task Past_the_clients_places_a_delivery_waits_and_past_the_wait_it_gets_429()
    {
        var spool = new UnverifiedAdmission(new AdmissionLimits(2, 1 << 30, 100, 0, TimeSpan.FromMilliseconds(300)), () => long.MaxValue);
        var client = IPAddress.Parse("203.0.113.7");
        var ct = TestContext.Current.CancellationToken;
        var first = (await spool.EnterAsync(client, ct)).Ticket!;
        using var second = (await spool.EnterAsync(client, ct)).Ticket!;

        var waiting = spool.EnterAsync(client, ct);
        await Task.Delay(50, ct);
        Assert.False(waiting.IsCompleted);
        first.Dispose(); // a body finished: its place goes to the one waiting
        using var third = (await waiting).Ticket;
        Assert.NotNull(third);

        Assert.Equal(SpoolRefusal.ClientBusy, (await spool.EnterAsync(client, ct)).Refusal);
        using var other = (await spool.EnterAsync(IPAddress.Parse("203.0.113.8"), ct)).Ticket;
        Assert.NotNull(other);
    }

    [Fact]
    public async Task A_client_whose_signature_checked_out_may_have_more_bodies_arriving()
    {
        var spool = new UnverifiedAdmission(new AdmissionLimits(2, 1 << 30, 1000, 0, TimeSpan.FromSeconds(5)), () => long.MaxValue);
        var sender = IPAddress.Parse("34.67.146.145");
        var ct = TestContext.Current.CancellationToken;
        var first = (await spool.EnterAsync(sender, ct)).Ticket!;
        using var second = (await spool.EnterAsync(sender, ct)).Ticket!;
        var waiting = spool.EnterAsync(sender, ct);
        await Task.Delay(50, ct);
        Assert.False(waiting.IsCompleted);

        first.Verified(); // this body was genuine: the sender holds the secret
        using var third = (await waiting.WaitAsync(TimeSpan.FromSeconds(1), ct)).Ticket;
        Assert.NotNull(third);
        first.Dispose();
        var more = new List<UnverifiedAdmission.Ticket>();
        for (var i = 0; i < 2 * UnverifiedAdmission.ProvenFactor - 2; i++)
        {
            more.Add((await spool.EnterAsync(sender, ct)).Ticket!);
        }

        Assert.All(more, Assert.NotNull);
        more.ForEach(t => t.Dispose());

        // A stranger still gets the bound meant for strangers.
        var stranger = IPAddress.Parse("198.51.100.66");
        using var a = (await spool.EnterAsync(stranger, ct)).Ticket!;
        using var b = (await spool.EnterAsync(stranger, ct)).Ticket!;
        var strangerWaits = spool.EnterAsync(stranger, ct);
        await Task.Delay(50, ct);
        Assert.False(strangerWaits.IsCompleted);
        a.Dispose();
        (await strangerWaits).Ticket?.Dispose();
    }

    [Fact]
    public async Task IPv6_clients_count_by_their_slash_64()
    {
        var spool = new UnverifiedAdmission(new AdmissionLimits(1, 1 << 30, 100, 0, TimeSpan.FromMilliseconds(50)), () => long.MaxValue);
        var ct = TestContext.Current.CancellationToken;
        using var first = (await spool.EnterAsync(IPAddress.Parse("2001:db8:1:2::1"), ct)).Ticket!;
        Assert.Equal(SpoolRefusal.ClientBusy, (await spool.EnterAsync(IPAddress.Parse("2001:db8:1:2:ffff::9"), ct)).Refusal);
        using var elsewhere = (await spool.EnterAsync(IPAddress.Parse("2001:db8:1:3::1"), ct)).Ticket;
        Assert.NotNull(elsewhere);
    }

    [Fact]
    public async Task Unverified_bytes_and_free_space_are_bounded_for_everyone()
    {
        var free = 10_000L;
        var spool = new UnverifiedAdmission(new AdmissionLimits(10, 1000, 100, 500, TimeSpan.FromSeconds(1)), () => free);
        var ct = TestContext.Current.CancellationToken;
        using (var a = (await spool.EnterAsync(IPAddress.Parse("192.0.2.1"), ct)).Ticket!)
        using (var b = (await spool.EnterAsync(IPAddress.Parse("192.0.2.2"), ct)).Ticket!)
        {
            Assert.Null(a.Reserve(600));
            Assert.Equal(SpoolRefusal.Busy, b.Reserve(600));
            Assert.Null(b.Reserve(400));
            Assert.Equal(1000, spool.Bytes);
        }

        Assert.Equal(0, spool.Bytes);
        free = 800;
        using var low = (await spool.EnterAsync(IPAddress.Parse("192.0.2.3"), ct)).Ticket!;
        Assert.Equal(SpoolRefusal.LowOnSpace, low.Reserve(400));
    }

    [Fact]
    public async Task Overall_bodies_are_bounded_at_once()
    {
        var spool = new UnverifiedAdmission(new AdmissionLimits(10, 1 << 30, 2, 0, TimeSpan.FromSeconds(1)), () => long.MaxValue);
        var ct = TestContext.Current.CancellationToken;
        using var a = (await spool.EnterAsync(IPAddress.Parse("192.0.2.1"), ct)).Ticket!;
        using var b = (await spool.EnterAsync(IPAddress.Parse("192.0.2.2"), ct)).Ticket!;
        Assert.Equal(SpoolRefusal.Busy, (await spool.EnterAsync(IPAddress.Parse("192.0.2.3"), ct)).Refusal);
    }

    [Theory]
    [InlineData("POSTCALL_UNVERIFIED_MAX_BYTES", "1000", "server_busy", 5)]
    [InlineData("POSTCALL_MIN_FREE_BYTES", "9223372036854775807", "storage_unavailable", 60)]
    public async Task A_body_past_a_bound_is_refused_before_it_is_written_and_told_when_to_retry(string variable, string value, string code, int retryAfter)
    {
        await using var service = await KestrelHost.StartAsync(new() { [variable] = value });
        using var client = service.CreateClient();
        using var response = await client.SendAsync(Deliveries.SignedRequest(Fixtures.Bytes("post_call_transcription.json")), TestContext.Current.CancellationToken);
        var envelope = await Envelope.ReadAsync(response);
        Assert.Equal(code, envelope.AssertError(HttpStatusCode.ServiceUnavailable));
        Assert.Contains(variable, envelope.Field("message"), StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(retryAfter), response.Headers.RetryAfter?.Delta);
        PayloadRootAssertions.NothingStored(service.PayloadRoot);
    }

    private static long SafeLength(FileInfo file)
    {
        try
        {
            file.Refresh();
            return file.Exists ? file.Length : 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>A client whose connections come from <paramref name="source"/>, another loopback address.</summary>
    private static HttpClient ClientFrom(IPAddress source, Uri baseAddress) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, ct) =>
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                socket.Bind(new IPEndPoint(source, 0));
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromMinutes(2),
    };
}
