using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Postcall.Hosting;
using Postcall.Tests.Support;

namespace Postcall.Tests.SharedMode;

/// <summary>
/// Two real instances, as a user runs them: child processes on one host (same working folder, so each takes its own
/// local state), one PostgreSQL, one bucket. One is killed with SIGKILL under load; nothing acknowledged is lost.
/// </summary>
[Trait("Needs", "engines")]
public sealed class TwoInstanceTests(SharedEngines engines) : IDisposable
{
    private const string Key = "two-instance-test-key-0d9e";
    private readonly string _workDir = Directory.CreateTempSubdirectory("postcall-two-").FullName;

    public void Dispose() => Directory.Delete(_workDir, recursive: true);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private async Task<(ServiceProcess Service, HttpClient Client)> StartAsync(Dictionary<string, string> settings)
    {
        var service = new ServiceProcess(_workDir, new Dictionary<string, string>(settings), "--urls", ServiceProcess.AnyPort);
        return (service, await service.ClientAsync(TimeSpan.FromSeconds(60)));
    }

    private static byte[] RandomRecording(int seed)
    {
        var bytes = new byte[(9 * 1024 * 1024) + seed];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static HttpRequestMessage Get(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        return request;
    }

    [Fact]
    public async Task An_instance_killed_under_load_loses_nothing_it_acknowledged_and_the_survivor_serves_everything()
    {
        var settings = await engines.SharedSettingsAsync();
        settings[PostcallSettings.HmacKeyVariable] = Fixtures.Secret;
        settings[PostcallSettings.ApiKeyVariable] = Key;
        settings[PostcallSettings.PayloadPathVariable] = "./payloads";
        settings["LOG_LEVEL"] = "WARNING";
        var (a, clientA) = await StartAsync(settings);
        var (b, clientB) = await StartAsync(settings);
        var mp3 = new byte[1024 * 1024 + 5];
        new Random(11).NextBytes(mp3);
        string link;
        using (a)
        using (b)
        {
            // Both took local state of their own under the same folder.
            Assert.Equal(2, Directory.GetDirectories(Path.Combine(_workDir, "payloads", ".postcall", "instances")).Length);

            // Before the load: a media link minted by A.
            Assert.Equal(HttpStatusCode.OK, (await clientA.SendAsync(Deliveries.SignedRequest(Deliveries.Audio("linked", mp3)), Cancel)).StatusCode);
            var detail = await Envelope.SendAsync(clientA, Get("/api/conversations/linked"));
            link = detail.Data.GetProperty("links").GetProperty("audio").GetString()!;

            // Load over both; A dies with SIGKILL a third of the way through.
            var acknowledged = new ConcurrentDictionary<string, byte[]>();
            var sent = 0;
            var killed = false;
            var recordings = new ConcurrentDictionary<string, byte[]>();
            async Task SendAsync(int i)
            {
                var cid = $"load{i:D3}";
                // Every 30th delivery is also a 9 MB recording: a multipart upload in flight when A dies.
                var recording = i % 30 == 1 ? RandomRecording(i) : null;
                var body = Encoding.UTF8.GetBytes(recording is null
                    ? Deliveries.Transcription(cid).Replace("Hello", $"Hello number {i}", StringComparison.Ordinal)
                    : Deliveries.Audio(cid, recording));
                try
                {
                    using var response = await (i % 2 == 0 ? clientA : clientB).SendAsync(Deliveries.SignedRequest(body), Cancel);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        if (recording is null)
                        {
                            acknowledged[cid] = body;
                        }
                        else
                        {
                            recordings[cid] = recording;
                        }
                    }
                }
                catch (Exception e) when (i % 2 == 0 && e is HttpRequestException or SocketException)
                {
                    // A is gone: ElevenLabs would retry a transcription; what matters is that no 200 is lost. (A
                    // connection to a process dying under it can also fail as a bare SocketException.) B never fails.
                }

                if (Interlocked.Increment(ref sent) == 60 && !killed)
                {
                    killed = true;
                    a.Process.Kill();
                }
            }

            await Parallel.ForEachAsync(Enumerable.Range(0, 180), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Cancel },
                async (i, _) => await SendAsync(i));
            await a.Process.WaitForExitAsync(Cancel);
            Assert.True(killed);
            Assert.True(acknowledged.Count > 80, $"only {acknowledged.Count} deliveries were acknowledged");

            // Every acknowledged delivery is readable through the survivor, byte for byte, and listed.
            foreach (var (cid, body) in acknowledged)
            {
                using var raw = await clientB.SendAsync(Get($"/api/conversations/{cid}/raw/transcription"), Cancel);
                Assert.Equal(HttpStatusCode.OK, raw.StatusCode);
                Assert.Equal(body, await raw.Content.ReadAsByteArrayAsync(Cancel));
            }

            Assert.NotEmpty(recordings);
            foreach (var (cid, recording) in recordings)
            {
                using var audio = await clientB.SendAsync(Get($"/api/conversations/{cid}/audio"), Cancel);
                Assert.Equal(recording, await audio.Content.ReadAsByteArrayAsync(Cancel));
            }

            var listed = new HashSet<string>();
            string? cursor = null;
            do
            {
                var page = await Envelope.SendAsync(clientB, Get($"/api/conversations?limit=200{(cursor is null ? string.Empty : "&cursor=" + cursor)}"));
                foreach (var item in page.Data.GetProperty("conversations").EnumerateArray())
                {
                    listed.Add(item.GetProperty("conversation_id").GetString()!);
                }

                cursor = page.Data.TryGetProperty("next_cursor", out var next) && next.ValueKind == System.Text.Json.JsonValueKind.String ? next.GetString() : null;
            }
            while (cursor is not null);

            Assert.Superset(acknowledged.Keys.Concat(recordings.Keys).ToHashSet(), listed);

            // A delivery A acknowledged, sent again to B: a duplicate, nothing rewritten.
            var (again, againBody) = acknowledged.First(p => int.Parse(p.Key[4..], System.Globalization.CultureInfo.InvariantCulture) % 2 == 0);
            var duplicate = await Envelope.SendAsync(clientB, Deliveries.SignedRequest(againBody));
            Assert.True(duplicate.Data.GetProperty("duplicate").GetBoolean(), again);

            // A's media link plays on B, A being dead.
            using var played = await clientB.GetAsync(new Uri(link, UriKind.Relative), Cancel);
            Assert.Equal(mp3, await played.Content.ReadAsByteArrayAsync(Cancel));
        }

        // ... and on an instance started after all of them stopped.
        var (c, clientC) = await StartAsync(settings);
        using (c)
        {
            using var played = await clientC.GetAsync(new Uri(link, UriKind.Relative), Cancel);
            Assert.Equal(mp3, await played.Content.ReadAsByteArrayAsync(Cancel));
        }
    }
}
