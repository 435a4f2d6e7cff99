using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Postcall.Tests.Support;

namespace Postcall.Tests.Reliability;

/// <summary>
/// The service is killed with SIGKILL in the middle of a burst of deliveries, then restarted on the same root:
/// every delivery that was answered 200 must be there, byte for byte; nothing else may be partial.
/// </summary>
public sealed class CrashConsistencyTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _workDir = Directory.CreateTempSubdirectory("postcall-crash-").FullName;

    public void Dispose() => Directory.Delete(_workDir, recursive: true);

    private sealed record Sent(string ConversationId, string FileName, byte[] Expected, HttpRequestMessage Request);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Every_acknowledged_delivery_survives_a_sigkill(int seed)
    {
        var random = new Random(seed);
        var root = Path.Combine(_workDir, "payloads");
        var deliveries = Enumerable.Range(0, 300).Select(i => Build(random, seed, i)).ToList();
        var acknowledged = new ConcurrentBag<Sent>();

        using (var service = Start(root))
        {
            using var client = await service.ClientAsync();

            var killAfter = TimeSpan.FromMilliseconds(random.Next(20, 700));
            var burst = Parallel.ForEachAsync(deliveries, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (delivery, ct) =>
            {
                try
                {
                    using var response = await client.SendAsync(delivery.Request, ct);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        acknowledged.Add(delivery);
                    }
                }
                catch (HttpRequestException)
                {
                    // Cut off by the kill: not acknowledged, so it may or may not have been stored.
                }
            });
            await Task.Delay(killAfter, TestContext.Current.CancellationToken);
            service.Process.Kill();
            await service.Process.WaitForExitAsync(TestContext.Current.CancellationToken);
            await burst;
            output.WriteLine($"seed {seed}: killed after {killAfter.TotalMilliseconds} ms with {acknowledged.Count} of {deliveries.Count} acknowledged");
        }

        var leftovers = Directory.GetFiles(Path.Combine(root, ".postcall", "tmp")).Length;
        output.WriteLine($"temp files left by the crash: {leftovers}");
        using (var restarted = Start(root))
        {
            using var client = await restarted.ClientAsync();

            foreach (var delivery in acknowledged)
            {
                var path = Path.Combine(root, delivery.ConversationId, delivery.FileName);
                Assert.True(File.Exists(path), $"acknowledged but missing: {delivery.ConversationId}");
                Assert.Equal(delivery.Expected, await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken));
            }

            // Anything else that made it to disk is whole too: no payload name ever holds a partial file.
            var byId = deliveries.ToDictionary(d => d.ConversationId);
            foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Where(f => !f.Contains("/.postcall/", StringComparison.Ordinal)))
            {
                var id = Path.GetFileName(Path.GetDirectoryName(file))!;
                Assert.Equal(byId[id].Expected, await File.ReadAllBytesAsync(file, TestContext.Current.CancellationToken));
            }

            PayloadRootAssertions.OnlyPayloadFiles(root);
        }
    }

    private ServiceProcess Start(string root) => new(_workDir, new()
    {
        ["ELEVENLABS_POST_CALL_HMAC_KEY"] = Fixtures.Secret,
        ["ELEVENLABS_POST_CALL_PAYLOAD_PATH"] = root,
        ["LOG_LEVEL"] = "WARNING",
    }, "--urls", ServiceProcess.AnyPort);

    private static Sent Build(Random random, int seed, int index)
    {
        var cid = $"crash-{seed}-{index}";
        if (index % 4 == 3)
        {
            var mp3 = new byte[random.Next(20_000, 400_000)];
            random.NextBytes(mp3);
            return new Sent(cid, $"{cid}_audio.mp3", mp3, Deliveries.SignedRequest(Deliveries.Audio(cid, mp3)));
        }

        var body = Encoding.UTF8.GetBytes(Deliveries.Transcription(cid).Replace("Hello", $"Hello {new string('x', random.Next(100, 3000))}", StringComparison.Ordinal));
        return new Sent(cid, $"{cid}_transcription.json", body, Deliveries.SignedRequest(body));
    }
}
