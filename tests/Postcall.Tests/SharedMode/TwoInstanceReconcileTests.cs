using Postcall.Hosting;
using Postcall.Reconciling;
using Postcall.Tests.Reconciling;
using Postcall.Tests.Support;

namespace Postcall.Tests.SharedMode;

/// <summary>Two instances on the same PostgreSQL and bucket, both sweeping every second: one sweeps at a time, and no call is fetched twice.</summary>
[Trait("Needs", "engines")]
public sealed class TwoInstanceReconcileTests(SharedEngines engines)
{
    private const string ReadKey = "two-instance-reconcile-key-4d1e";

    [Fact]
    public async Task Two_instances_sweep_one_at_a_time_and_fetch_each_call_once()
    {
        var cancel = TestContext.Current.CancellationToken;
        var mp3 = Fixtures.Bytes("sample_call.mp3");
        await using var standIn = await ConversationsApiStandIn.StartAsync();
        string[] calls = ["conv_9801kkc21cpnch5ztxzv5kr3p1mc", "conv_7501kkbzqva39ezb1c17bjbzh5n6", "conv_8601kkbwnjzmrdvecf01ktvg26tf", "conv_6501kkbnrkye842yqznddnvxy9k7"];
        foreach (var id in calls)
        {
            standIn.Conversations[id] = ConversationsApiStandIn.Conversation(id);
            standIn.Recordings[id] = mp3;
        }

        var settings = (await engines.SharedSettingsAsync(prefix: "reconcile-two")).ToDictionary(p => p.Key, p => (string?)p.Value);
        settings[ElevenLabsApiSettings.ApiKeyVariable] = ConversationsApiStandIn.Key;
        settings[ElevenLabsApiSettings.BaseUrlVariable] = standIn.BaseUrl.AbsoluteUri;
        settings[ReconcileSettings.IntervalVariable] = "1s";
        settings[PostcallSettings.ApiKeyVariable] = ReadKey;
        settings[ReconcileSettings.WindowVariable] = "3650d";
        var first = new Dictionary<string, string?>(settings) { [PostcallSettings.PayloadPathVariable] = Directory.CreateTempSubdirectory("postcall-two-a-").FullName };
        var second = new Dictionary<string, string?>(settings) { [PostcallSettings.PayloadPathVariable] = Directory.CreateTempSubdirectory("postcall-two-b-").FullName };
        await using var a = await KestrelHost.StartAsync(first);
        await using var b = await KestrelHost.StartAsync(second);

        // Several rounds of both instances' sweeps.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (calls.Any(id => !standIn.Requests.Any(r => r.Path == $"/v1/convai/conversations/{id}/audio")))
        {
            Assert.True(DateTime.UtcNow < deadline, "the sweeps never fetched every call");
            await Task.Delay(200, cancel);
        }

        await Task.Delay(4000, cancel);
        foreach (var id in calls)
        {
            Assert.Single(standIn.Requests, r => r.Path == $"/v1/convai/conversations/{id}");
            Assert.Single(standIn.Requests, r => r.Path == $"/v1/convai/conversations/{id}/audio");
        }

        // Both instances swept, and never two at once: in the shared ledger, each sweep started after the one before ended.
        using var client = a.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/reconcile");
        request.Headers.Authorization = new("Bearer", ReadKey);
        using var response = await client.SendAsync(request, cancel);
        using var list = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancel));
        var sweeps = list.RootElement.GetProperty("data").GetProperty("sweeps").EnumerateArray()
            .Where(w => w.GetProperty("status").GetString() == "completed")
            .Select(w => (Started: w.GetProperty("started_at").GetDateTimeOffset(), Finished: w.GetProperty("finished_at").GetDateTimeOffset()))
            .OrderBy(w => w.Started).ToList();
        Assert.True(sweeps.Count >= 3, $"{sweeps.Count} sweeps completed");
        for (var i = 1; i < sweeps.Count; i++)
        {
            Assert.True(sweeps[i].Started >= sweeps[i - 1].Finished, $"sweep {i} started at {sweeps[i].Started:O}, before the one before it ended at {sweeps[i - 1].Finished:O}");
        }
    }
}
