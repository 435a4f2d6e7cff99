using System.Text;
using System.Text.Json.Nodes;
using Postcall.ElevenLabs;

namespace Postcall.Bench;

/// <summary>
/// Distinct, correctly signed post_call_transcription deliveries (the documented example with a fresh conversation
/// id each), one per line as "signature TAB body", for wrk to replay: every request stores a new file.
/// </summary>
internal static class IngestRequests
{
    public static async Task<int> WriteAsync(string path, int count, string secret)
    {
        var sample = JsonNode.Parse(await File.ReadAllTextAsync(SamplePath()))!.AsObject();
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var set = Guid.NewGuid().ToString("N")[..8]; // sets made in the same second must not share ids
        await using var output = new StreamWriter(path, append: false, new UTF8Encoding(false));
        for (var i = 0; i < count; i++)
        {
            sample["event_timestamp"] = now;
            sample["data"]!["conversation_id"] = $"bench_{set}_{i:D6}";
            var body = sample.ToJsonString();
            await output.WriteAsync($"{SignatureSigner.Sign(secret, now, Encoding.UTF8.GetBytes(body))}\t{body}\n");
        }

        Console.WriteLine($"requests={count}");
        Console.WriteLine($"request_bytes={Encoding.UTF8.GetByteCount(sample.ToJsonString())}");
        return 0;
    }

    private static string SamplePath() => Path.Combine(AppContext.BaseDirectory, "Cli", "Samples", "transcription.json") is var p && File.Exists(p)
        ? p
        : Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "src", "Postcall", "Cli", "Samples", "transcription.json");
}
