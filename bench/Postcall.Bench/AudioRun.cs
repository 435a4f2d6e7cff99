using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Postcall.ElevenLabs;

namespace Postcall.Bench;

/// <summary>One post_call_audio delivery of the given decoded size, chunked, streamed from disk: body MB/s and the server's peak RSS growth.</summary>
internal static class AudioRun
{
    public static async Task<int> RunAsync(Uri url, int megabytes, string secret, int serverPid, string workDirectory)
    {
        var bodyPath = Path.Combine(workDirectory, "audio-body.json");
        await WriteBodyAsync(bodyPath, megabytes * 1024 * 1024);
        var bodyBytes = new FileInfo(bodyPath).Length;
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        string signature;
        await using (var body = File.OpenRead(bodyPath))
        {
            signature = await SignatureSigner.SignAsync(secret, now, body);
        }

        using var client = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
        var rssBefore = ProcStatus.KiloBytes(serverPid, "VmRSS");
        ProcStatus.ResetPeak(serverPid);
        await using var stream = new FileStream(bodyPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1024 * 1024, FileOptions.SequentialScan);
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StreamContent(stream, 1024 * 1024) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TransferEncodingChunked = true;
        request.Headers.TryAddWithoutValidation(SignatureHeader.Name, signature);

        var started = Stopwatch.GetTimestamp();
        using var response = await client.SendAsync(request);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var peak = ProcStatus.KiloBytes(serverPid, "VmHWM");
        File.Delete(bodyPath);

        Console.WriteLine($"audio_status={(int)response.StatusCode}");
        Console.WriteLine(FormattableString.Invariant($"audio_body_mb={bodyBytes / 1048576.0:0.0}"));
        Console.WriteLine(FormattableString.Invariant($"audio_mb_per_second={bodyBytes / 1048576.0 / elapsed:0}"));
        Console.WriteLine(FormattableString.Invariant($"audio_rss_growth_mb={(peak - rssBefore) / 1024.0:0.0}"));
        return response.IsSuccessStatusCode ? 0 : 1;
    }

    private static async Task WriteBodyAsync(string path, int audioBytes)
    {
        await using var file = File.Create(path);
        await file.WriteAsync(Encoding.ASCII.GetBytes("{\"type\":\"post_call_audio\",\"event_timestamp\":1739537319,\"data\":{\"agent_id\":\"bench\",\"conversation_id\":\"bench_audio_" + Guid.NewGuid().ToString("N") + "\",\"full_audio\":\""));
        var chunk = new byte[3 * 256 * 1024];
        var random = new Random(60);
        for (var written = 0; written < audioBytes; written += chunk.Length)
        {
            var piece = chunk.AsSpan(0, Math.Min(chunk.Length, audioBytes - written));
            random.NextBytes(piece);
            await file.WriteAsync(Encoding.ASCII.GetBytes(Convert.ToBase64String(piece)));
        }

        await file.WriteAsync("\"}}"u8.ToArray());
    }
}
