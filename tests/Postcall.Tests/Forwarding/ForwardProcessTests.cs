using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Postcall.ElevenLabs;
using Postcall.Forwarding;
using Postcall.Hosting;
using Postcall.Tests.Support;

namespace Postcall.Tests.Forwarding;

/// <summary>The built service as a child process, forwarding to a real receiver: killed with forwards pending, and with a 60 MB recording.</summary>
public sealed class ForwardProcessTests(ITestOutputHelper output) : ReceiverTests("forward-process")
{
    private async Task<(ServiceProcess Service, HttpClient Client)> StartAsync(string schedule)
    {
        var service = new ServiceProcess(WorkDir, new()
        {
            [PostcallSettings.HmacKeyVariable] = Fixtures.Secret,
            [PostcallSettings.PayloadPathVariable] = Path.Combine(WorkDir, "payloads"),
            [ForwardSettings.UrlsVariable] = Receiver.Url.AbsoluteUri,
            [ForwardSettings.RetryScheduleVariable] = schedule,
            ["LOG_LEVEL"] = "WARNING",
        }, "--urls", ServiceProcess.AnyPort);
        return (service, await service.ClientAsync(TimeSpan.FromMinutes(2)));
    }

    [Fact]
    public async Task Forwards_pending_when_the_service_is_killed_are_all_delivered_after_it_restarts()
    {
        // The receiver is down for the whole first run: every forward is still pending when the kill comes.
        Receiver.Respond = (_, _) => new(503, "down for maintenance");
        var acknowledged = new ConcurrentBag<string>();
        var (service, client) = await StartAsync("0s,500ms,1h");
        using (service)
        using (client)
        {
            var burst = Parallel.ForEachAsync(Enumerable.Range(0, 200), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = Cancel }, async (i, ct) =>
            {
                var cid = $"kill-{i:D3}";
                var body = i % 5 == 4 ? Deliveries.Audio(cid, [.. Encoding.UTF8.GetBytes($"recording {i} "), .. new byte[5000]]) : Deliveries.Transcription(cid);
                try
                {
                    using var response = await client.SendAsync(Deliveries.SignedRequest(body), ct);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        acknowledged.Add(cid);
                    }
                }
                catch (HttpRequestException)
                {
                    // Cut off by the kill: not acknowledged.
                }
            });
            while (acknowledged.Count < 60)
            {
                await Task.Delay(10, Cancel);
            }

            service.Process.Kill();
            await service.Process.WaitForExitAsync(Cancel);
            await burst;
        }

        output.WriteLine($"{acknowledged.Count} deliveries acknowledged before the kill; {Receiver.Requests.Count} attempts refused by the receiver");
        var reached = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        Receiver.Respond = (request, _) =>
        {
            reached[request.Header(ForwardSender.ConversationHeader)!] = true;
            return ForwardReceiver.Answer.Ok;
        };
        var (restarted, client2) = await StartAsync("0s,500ms,1h");
        using (restarted)
        using (client2)
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!acknowledged.All(reached.ContainsKey) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, Cancel);
            }

            Assert.All(acknowledged, cid => Assert.True(reached.ContainsKey(cid), $"acknowledged but never forwarded: {cid}"));
        }
    }

    [Fact]
    public async Task A_60_MB_recording_is_forwarded_whole_while_the_service_memory_stays_bounded()
    {
        const int AudioBytes = 60 * 1024 * 1024;
        var (service, client) = await StartAsync("0s");
        using (service)
        using (client)
        {
            // Warm up both paths with a small call first, so the baseline includes what any delivery and forward costs.
            await client.SendAsync(Deliveries.SignedRequest(Deliveries.Audio("warm-up", Fixtures.Bytes("sample_call.mp3"))), Cancel);
            await Receiver.WaitForAsync(r => r.Header(ForwardSender.ConversationHeader) == "warm-up");
            var baseline = PeakResidentBytes(service.Process.Id);

            var bodyPath = Path.Combine(WorkDir, "big.json");
            var audioHash = await WriteAudioBodyAsync(bodyPath, AudioBytes);
            string header;
            await using (var body = File.OpenRead(bodyPath))
            {
                header = await SignatureSigner.SignAsync(Fixtures.Secret, Deliveries.Now, body, Cancel);
            }

            await using (var stream = File.OpenRead(bodyPath))
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, Deliveries.Path) { Content = new StreamContent(stream, 64 * 1024) };
                request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
                request.Headers.TryAddWithoutValidation(SignatureHeader.Name, header);
                using var response = await client.SendAsync(request, Cancel);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            var forwarded = (await Receiver.WaitForAsync(r => r.Header(ForwardSender.ConversationHeader) == "big-forward", timeout: TimeSpan.FromMinutes(2)))[0];
            var growth = PeakResidentBytes(service.Process.Id) - baseline;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"peak resident memory grew {growth / 1048576.0:0.0} MB for a {AudioBytes / 1048576} MB recording in and out"));

            // The forward carries the recording whole: the base64 in the envelope decodes to the stored bytes.
            var sent = Encoding.ASCII.GetString(forwarded.ReadBody());
            var start = sent.IndexOf("\"full_audio\":\"", StringComparison.Ordinal) + "\"full_audio\":\"".Length;
            Assert.Equal(audioHash, SHA256.HashData(Convert.FromBase64String(sent[start..sent.IndexOf('"', start)])));
            // Held whole, the base64 alone would be 80 MB; streamed, the process grows by a small fraction of it.
            Assert.True(growth < 48L * 1024 * 1024, $"peak resident memory grew by {growth} bytes");
        }
    }

    /// <summary>VmHWM: the most resident memory the process has ever had.</summary>
    private static long PeakResidentBytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    private static async Task<byte[]> WriteAudioBodyAsync(string path, int audioBytes)
    {
        var random = new Random(60);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using var file = File.Create(path);
        await file.WriteAsync("{\"type\":\"post_call_audio\",\"event_timestamp\":1739537319,\"data\":{\"agent_id\":\"xyz\",\"conversation_id\":\"big-forward\",\"full_audio\":\""u8.ToArray(), Cancel);
        var chunk = new byte[3 * 64 * 1024];
        for (var written = 0; written < audioBytes; written += chunk.Length)
        {
            var piece = chunk.AsSpan(0, Math.Min(chunk.Length, audioBytes - written));
            random.NextBytes(piece);
            hash.AppendData(piece);
            await file.WriteAsync(Encoding.ASCII.GetBytes(Convert.ToBase64String(piece)), Cancel);
        }

        await file.WriteAsync("\"}}"u8.ToArray(), Cancel);
        return hash.GetHashAndReset();
    }
}
