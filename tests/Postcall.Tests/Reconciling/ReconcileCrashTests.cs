using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Postcall.Tests.Support;

namespace Postcall.Tests.Reconciling;

/// <summary>
/// The service as a child process: SIGKILLed in the middle of a sweep while a recording is half fetched, nothing
/// half-stored is left as a payload, and after the restart the same sweep completes without fetching anything twice;
/// and a 60 MB recording is backfilled while its memory stays bounded.
/// </summary>
public sealed class ReconcileCrashTests(ITestOutputHelper output) : IDisposable
{
    private const string AdminKey = "reconcile-crash-admin-key-81c4";
    private const string Call = "conv_8601kkbwnjzmrdvecf01ktvg26tf";
    private readonly string _root = Directory.CreateTempSubdirectory("postcall-reconcile-crash-").FullName;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Payloads => Path.Combine(_root, "payloads");

    private ServiceProcess Start(ConversationsApiStandIn standIn) => new(_root, new()
    {
        ["ELEVENLABS_POST_CALL_HMAC_KEY"] = Fixtures.Secret,
        ["ELEVENLABS_POST_CALL_PAYLOAD_PATH"] = Payloads,
        ["POSTCALL_ADMIN_KEY"] = AdminKey,
        ["ELEVENLABS_API_KEY"] = ConversationsApiStandIn.Key,
        ["ELEVENLABS_API_BASE_URL"] = standIn.BaseUrl.AbsoluteUri,
        ["POSTCALL_RECONCILE_INTERVAL"] = "off",
        ["LOG_LEVEL"] = "WARNING",
    }, "--urls", ServiceProcess.AnyPort);

    private static async Task<JsonElement> GetAsync(HttpClient client, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        using var response = await client.SendAsync(request, Cancel);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel)).RootElement.Clone();
    }

    [Fact]
    public async Task A_sweep_killed_mid_recording_leaves_nothing_half_stored_and_completes_after_the_restart()
    {
        var mp3 = Fixtures.Bytes("sample_call.mp3");
        await using var standIn = await ConversationsApiStandIn.StartAsync();
        standIn.Conversations[Call] = ConversationsApiStandIn.Conversation(Call);
        standIn.Recordings[Call] = mp3;
        var stall = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        standIn.StallAudio[Call] = stall;
        var folder = Path.Combine(Payloads, Call);

        string id;
        using (var first = Start(standIn))
        {
            using var client = await first.ClientAsync();
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/reconcile")
            {
                Content = new StringContent("""{"since": "2026-01-01"}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
            using var started = await client.SendAsync(request, Cancel);
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
            id = JsonDocument.Parse(await started.Content.ReadAsStringAsync(Cancel)).RootElement.GetProperty("data").GetProperty("id").GetString()!;

            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!standIn.Requests.Any(r => r.Path == $"/v1/convai/conversations/{Call}/audio"))
            {
                Assert.True(DateTime.UtcNow < deadline, "the sweep never asked for the recording");
                await Task.Delay(50, Cancel);
            }

            await Task.Delay(300, Cancel);
            first.Process.Kill();
            await first.Process.WaitForExitAsync(Cancel);
        }

        // The transcription was stored whole before the kill; the recording was not stored at all.
        Assert.True(File.Exists(Path.Combine(folder, $"{Call}_transcription.json")));
        Assert.False(File.Exists(Path.Combine(folder, $"{Call}_audio.mp3")));

        stall.SetResult();
        using var second = Start(standIn);
        using var again = await second.ClientAsync();
        JsonElement sweep;
        var until = DateTime.UtcNow.AddSeconds(60);
        while ((sweep = (await GetAsync(again, $"/api/reconcile/{id}")).GetProperty("data")).GetProperty("status").GetString() != "completed")
        {
            Assert.True(DateTime.UtcNow < until, "the interrupted sweep was never completed: " + sweep.GetRawText());
            await Task.Delay(200, Cancel);
        }

        Assert.Equal(mp3, await File.ReadAllBytesAsync(Path.Combine(folder, $"{Call}_audio.mp3"), Cancel));
        Assert.Equal(0, sweep.GetProperty("report").GetProperty("backfilled_transcriptions").GetInt32());
        Assert.Equal(1, sweep.GetProperty("report").GetProperty("backfilled_recordings").GetInt32());
        Assert.Single(standIn.Requests, r => r.Path == $"/v1/convai/conversations/{Call}");
    }

    [Fact]
    public async Task A_60_MB_recording_is_backfilled_whole_while_the_service_memory_stays_bounded()
    {
        const int AudioBytes = 60 * 1024 * 1024;
        var mp3 = new byte[AudioBytes];
        new Random(7).NextBytes(mp3);
        "ID3"u8.CopyTo(mp3);
        await using var standIn = await ConversationsApiStandIn.StartAsync();
        standIn.Conversations[Call] = ConversationsApiStandIn.Conversation(Call);
        standIn.Recordings[Call] = mp3;
        using var service = Start(standIn);
        using var client = await service.ClientAsync();
        var baseline = PeakResidentBytes(service.Process.Id);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/reconcile")
        {
            Content = new StringContent("""{"since": "2026-01-01"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        using var started = await client.SendAsync(request, Cancel);
        var id = JsonDocument.Parse(await started.Content.ReadAsStringAsync(Cancel)).RootElement.GetProperty("data").GetProperty("id").GetString();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await GetAsync(client, $"/api/reconcile/{id}")).GetProperty("data").GetProperty("status").GetString() != "completed")
        {
            Assert.True(DateTime.UtcNow < deadline, "the sweep never completed");
            await Task.Delay(200, Cancel);
        }

        var growth = PeakResidentBytes(service.Process.Id) - baseline;
        output.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"peak resident memory grew {growth / 1048576.0:0.0} MB for a 60 MB recording fetched"));
        var stored = await File.ReadAllBytesAsync(Path.Combine(Payloads, Call, $"{Call}_audio.mp3"), Cancel);
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(mp3), System.Security.Cryptography.SHA256.HashData(stored));
        // Held whole, the recording alone would be 60 MB; streamed in 64 KB pieces, the process grows by a small fraction of it.
        Assert.True(growth < 32L * 1024 * 1024, $"peak resident memory grew by {growth} bytes");
    }

    /// <summary>VmHWM: the most resident memory the process has ever had.</summary>
    private static long PeakResidentBytes(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").Single(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }
}
