using System.Net;
using System.Text;
using Postcall.Tests.Support;

namespace Postcall.Tests.Storage;

public sealed class PostCallStorageTests : ServiceTests
{
    private string PathOf(string cid) => Path.Combine(Factory.PayloadRoot, cid, $"{cid}_transcription.json");

    [Fact]
    public async Task An_identical_redelivery_is_a_duplicate_and_leaves_the_file_untouched()
    {
        var client = Factory.CreateClient();
        var body = Encoding.UTF8.GetBytes(Deliveries.Transcription("dup"));
        var first = await Envelope.SendAsync(client, Deliveries.SignedRequest(body));
        var stamp = File.GetLastWriteTimeUtc(PathOf("dup"));
        var inode = new FileInfo(PathOf("dup")).CreationTimeUtc;

        // ElevenLabs retries with an identical payload; a fresh timestamp does not change the body.
        var second = await Envelope.SendAsync(client, Deliveries.SignedRequest(body, timestamp: Deliveries.Now + 5));

        Assert.False(first.Data.GetProperty("duplicate").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.True(second.Data.GetProperty("duplicate").GetBoolean());
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(PathOf("dup")));
        Assert.Equal(inode, new FileInfo(PathOf("dup")).CreationTimeUtc);
        PayloadRootAssertions.OnlyPayloadFiles(Factory.PayloadRoot);
    }

    [Fact]
    public async Task Different_content_for_the_same_conversation_replaces_it()
    {
        var client = Factory.CreateClient();
        await Envelope.SendAsync(client, Deliveries.SignedRequest(Deliveries.Transcription("latest")));
        var newer = Deliveries.Transcription("latest").Replace("Hello", "Hello again", StringComparison.Ordinal);
        var response = await Envelope.SendAsync(client, Deliveries.SignedRequest(newer));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.False(response.Data.GetProperty("duplicate").GetBoolean());
        Assert.Equal(newer, await File.ReadAllTextAsync(PathOf("latest"), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Concurrent_deliveries_for_one_conversation_all_succeed()
    {
        var client = Factory.CreateClient();
        var bodies = Enumerable.Range(0, 24).Select(i => (i % 3) switch
        {
            0 => Deliveries.Transcription("busy-call").Replace("Hello", $"Hello {i}", StringComparison.Ordinal),
            1 => Deliveries.Failure("busy-call").Replace("busy\"", $"busy {i}\"", StringComparison.Ordinal),
            _ => Deliveries.Audio("busy-call", Encoding.ASCII.GetBytes($"ID3 audio {i}")),
        }).ToList();

        var responses = await Task.WhenAll(bodies.Select(b => Envelope.SendAsync(client, Deliveries.SignedRequest(b))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        var stored = await File.ReadAllTextAsync(PathOf("busy-call"), TestContext.Current.CancellationToken);
        Assert.Contains(stored, bodies);
        PayloadRootAssertions.OnlyPayloadFiles(Factory.PayloadRoot);
    }

    [Fact]
    public async Task When_the_disk_refuses_the_write_the_answer_is_503_and_no_temp_is_left()
    {
        // A file where the conversation folder must go: creating the folder fails like a read-only disk would.
        Directory.CreateDirectory(Factory.PayloadRoot);
        await File.WriteAllTextAsync(Path.Combine(Factory.PayloadRoot, "blocked"), "not a folder", TestContext.Current.CancellationToken);

        var response = await Envelope.SendAsync(Factory.CreateClient(), Deliveries.SignedRequest(Deliveries.Transcription("blocked")));

        Assert.Equal("storage_unavailable", response.AssertError(HttpStatusCode.ServiceUnavailable));
        PayloadRootAssertions.NoTempLeft(Factory.PayloadRoot);
        File.Delete(Path.Combine(Factory.PayloadRoot, "blocked"));
        var retried = await Envelope.SendAsync(Factory.CreateClient(), Deliveries.SignedRequest(Deliveries.Transcription("blocked")));
        Assert.Equal(HttpStatusCode.OK, retried.Status);
    }

    [Fact]
    public async Task A_storage_root_that_cannot_exist_answers_503_not_500()
    {
        var file = Path.GetTempFileName();
        try
        {
            await using var factory = new PostcallFactory(new() { ["ELEVENLABS_POST_CALL_PAYLOAD_PATH"] = Path.Combine(file, "payloads") });
            var response = await Envelope.SendAsync(factory.CreateClient(), Deliveries.SignedRequest(Deliveries.Transcription("x")));
            Assert.Equal("storage_unavailable", response.AssertError(HttpStatusCode.ServiceUnavailable));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Stale_temp_files_are_removed_at_start_up_and_never_taken_for_payloads()
    {
        await using var factory = new PostcallFactory();
        var temp = Path.Combine(factory.PayloadRoot, ".postcall", "tmp");
        Directory.CreateDirectory(temp);
        await File.WriteAllTextAsync(Path.Combine(temp, "crashed.tmp"), "{\"partial", TestContext.Current.CancellationToken);

        using var health = await factory.CreateClient().GetAsync(new Uri("/health", UriKind.Relative), TestContext.Current.CancellationToken);

        Assert.Empty(Directory.GetFiles(temp));
        PayloadRootAssertions.NothingStored(factory.PayloadRoot);
    }
}
