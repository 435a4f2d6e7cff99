using System.Text;
using Postcall.Cli.Send;
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
        var sample = SampleAssets.Json("post_call_transcription.json");
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
}
