using System.Net;
using Postcall.Cli;
using Postcall.Hosting;
using Postcall.Http;
using Postcall.Sqlite;
using Postcall.Tests.Conversations;
using Postcall.Tests.Support;

namespace Postcall.Tests.Index;

/// <summary>The index is a cache: losing it never loses or refuses a delivery, and it comes back from the files.</summary>
public sealed class IndexResilienceTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("postcall-resilience-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string IndexPath => Path.Combine(_root, ".postcall", SqliteIndexFile.FileName);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private PostcallFactory Service() => new(new()
    {
        [PostcallSettings.PayloadPathVariable] = _root,
        [PostcallSettings.ApiKeyVariable] = ApiTests.Key,
    });

    private static async Task<Envelope> GetAsync(PostcallFactory service, string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new("Bearer", ApiTests.Key);
        return await Envelope.SendAsync(service.CreateClient(), request);
    }

    /// <summary>The list once it equals <paramref name="expected"/> (start-up catches up in the background), or as it last was.</summary>
    private static async Task<List<string>> EventuallyListedAsync(PostcallFactory service, params string[] expected)
    {
        List<string> ids = [];
        for (var i = 0; i < 100 && !ids.SequenceEqual(expected); i++)
        {
            var page = await GetAsync(service, "/api/conversations");
            ids = page.Status == HttpStatusCode.OK
                ? [.. page.Data.GetProperty("conversations").EnumerateArray().Select(c => c.GetProperty("conversation_id").GetString()!)]
                : [];
            await Task.Delay(50, Ct);
        }

        return ids;
    }

    [Fact]
    public async Task Without_a_usable_index_deliveries_are_still_stored_and_reindex_repairs_it()
    {
        Directory.CreateDirectory(IndexPath);
        await using (var service = Service())
        {
            var stored = await Envelope.SendAsync(service.CreateClient(), Deliveries.SignedRequest(Deliveries.Transcription("kept")));
            Assert.Equal(HttpStatusCode.OK, stored.Status);
            Assert.True(File.Exists(Path.Combine(_root, "kept", "kept_transcription.json")));

            Assert.Equal(ErrorCodes.IndexUnavailable, (await GetAsync(service, "/api/conversations")).AssertError(HttpStatusCode.ServiceUnavailable));
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(service, "/api/conversations/kept")).Status);

            var ready = await Envelope.SendAsync(service.CreateClient(), new HttpRequestMessage(HttpMethod.Get, "/health/ready"));
            Assert.Equal(HttpStatusCode.OK, ready.Status);
            var index = ready.Data.EnumerateArray().Single(c => c.GetProperty("name").GetString() == "index");
            Assert.Equal("degraded", index.GetProperty("status").GetString());
        }

        Directory.Delete(IndexPath);
        var output = new StringWriter();
        var code = await PostcallCli.RunAsync(["reindex", "--path", _root], output, new StringWriter(), cancellationToken: Ct);
        Assert.Equal(ExitCodes.Ok, code);
        Assert.Contains("Indexed 1 conversations", output.ToString(), StringComparison.Ordinal);

        var rebuilt = new SqliteIndexFile(IndexPath);
        Assert.Equal("kept", rebuilt.Find("kept")!.ConversationId);
        rebuilt.Close();
    }

    [Fact]
    public async Task An_index_lost_while_running_answers_503_for_lists_and_calls_still_read_from_their_files()
    {
        await using var service = Service();
        Assert.Equal(HttpStatusCode.OK, (await Envelope.SendAsync(service.CreateClient(), Deliveries.SignedRequest(Deliveries.Transcription("survivor")))).Status);
        Assert.Equal(["survivor"], await EventuallyListedAsync(service, "survivor"));

        // The file goes and something that is not a database takes its place; pooled connections are dropped.
        foreach (var suffix in new[] { string.Empty, "-wal", "-shm" })
        {
            File.Delete(IndexPath + suffix);
        }

        Directory.CreateDirectory(IndexPath);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

        Assert.Equal(ErrorCodes.IndexUnavailable, (await GetAsync(service, "/api/conversations")).AssertError(HttpStatusCode.ServiceUnavailable));
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(service, "/api/conversations/survivor")).Status);
        var stored = await Envelope.SendAsync(service.CreateClient(), Deliveries.SignedRequest(Deliveries.Transcription("still-stored")));
        Assert.Equal(HttpStatusCode.OK, stored.Status);
        Assert.True(File.Exists(Path.Combine(_root, "still-stored", "still-stored_transcription.json")));
        Directory.Delete(IndexPath);
    }

    [Fact]
    public async Task A_corrupt_index_is_rebuilt_from_the_files_at_start_up()
    {
        await using (var service = Service())
        {
            foreach (var id in new[] { "one", "two", "three" })
            {
                Assert.Equal(HttpStatusCode.OK, (await Envelope.SendAsync(service.CreateClient(), Deliveries.SignedRequest(Deliveries.Transcription(id)))).Status);
            }
        }

        await File.WriteAllTextAsync(IndexPath, "garbage where the index was", Ct);
        File.Delete(IndexPath + "-wal");
        File.Delete(IndexPath + "-shm");

        await using var restarted = Service();
        string[] expected = ["two", "three", "one"];
        Assert.Equal(expected, await EventuallyListedAsync(restarted, expected));
    }

    [Fact]
    public async Task Files_added_or_removed_while_the_service_was_down_are_caught_up_at_start_up()
    {
        await using (var service = Service())
        {
            Assert.Equal(HttpStatusCode.OK, (await Envelope.SendAsync(service.CreateClient(), Deliveries.SignedRequest(Deliveries.Transcription("removed")))).Status);
        }

        Directory.Delete(Path.Combine(_root, "removed"), recursive: true);
        Directory.CreateDirectory(Path.Combine(_root, "restored"));
        await File.WriteAllBytesAsync(Path.Combine(_root, "restored", "restored_failure.json"), Fixtures.Bytes("call_initiation_failure_sip.json"), Ct);

        await using var restarted = Service();
        Assert.Equal(["restored"], await EventuallyListedAsync(restarted, "restored"));
    }

    [Fact]
    public async Task Reindex_without_a_storage_root_says_so()
    {
        var error = new StringWriter();
        var code = await PostcallCli.RunAsync(["reindex", "--path", Path.Combine(_root, "missing")], new StringWriter(), error, cancellationToken: Ct);
        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains("No storage root", error.ToString(), StringComparison.Ordinal);
    }
}
