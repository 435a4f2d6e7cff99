using System.Net;
using System.Net.Http.Headers;
using Amazon.S3.Model;
using Postcall.Hosting;
using Postcall.Storage;
using Postcall.Storage.Files;
using Postcall.Tests.Cli;
using Postcall.Tests.Support;

namespace Postcall.Tests.SharedMode;

/// <summary><c>postcall migrate --to-shared</c>: a folder of calls moves to the bucket and the database, resumably.</summary>
[Trait("Needs", "engines")]
public sealed class MigrateCommandTests(SharedEngines engines) : IDisposable
{
    private const string Key = "migrate-test-key-31f0a9";
    private readonly string _root = Directory.CreateTempSubdirectory("postcall-migrate-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private void Write(string cid, PayloadKind kind, byte[] content)
    {
        Assert.True(ConversationId.TryParse(cid, out var id));
        var store = new FilePayloadStore(_root);
        Directory.CreateDirectory(store.DirectoryFor(id));
        File.WriteAllBytes(store.PathFor(id, kind), content);
    }

    [Fact]
    public async Task A_folder_moves_byte_exact_is_indexed_and_a_second_run_only_repairs_what_is_missing()
    {
        var mp3 = new byte[12 * 1024 * 1024 + 3];
        new Random(5).NextBytes(mp3);
        Write("abc", PayloadKind.Transcription, Fixtures.Bytes("post_call_transcription.json"));
        Write("abc", PayloadKind.Audio, mp3);
        Write("fail1", PayloadKind.Failure, Fixtures.Bytes("call_initiation_failure_twilio.json"));
        Assert.True(PayloadKind.TryOther("call_summary_ready", out var other));
        Write("fail1", other, "{}"u8.ToArray());
        Directory.CreateDirectory(Path.Combine(_root, "not a conversation"));

        var settings = (await engines.SharedSettingsAsync()).ToDictionary(p => p.Key, p => (string?)p.Value);
        settings[PostcallSettings.PayloadPathVariable] = _root;
        var first = await CliRunner.RunAsync(settings, ["migrate", "--to-shared"]);
        Assert.True(first.ExitCode == 0, first.Error);
        Assert.Contains("Migrated 2 of 2 conversations", first.Output, StringComparison.Ordinal);
        Assert.Contains("4 files uploaded", first.Output, StringComparison.Ordinal);

        var bucket = settings[PostcallSettings.StorageUrlVariable]!["s3://".Length..];
        using var s3 = engines.S3Client();
        using (var audio = await s3.GetObjectAsync(bucket, "abc/abc_audio.mp3", Cancel))
        {
            using var copy = new MemoryStream();
            await audio.ResponseStream.CopyToAsync(copy, Cancel);
            Assert.Equal(mp3, copy.ToArray());
        }

        // Interrupted halfway, say: an object is missing. The second run sends only that one.
        await s3.DeleteObjectAsync(bucket, "fail1/fail1_failure.json", Cancel);
        var second = await CliRunner.RunAsync(settings, ["migrate", "--to-shared"]);
        Assert.True(second.ExitCode == 0, second.Error);
        Assert.Contains("1 files uploaded", second.Output, StringComparison.Ordinal);
        Assert.Contains("3 already in the bucket", second.Output, StringComparison.Ordinal);
        var keys = (await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket }, Cancel)).S3Objects.Select(o => o.Key);
        Assert.Equal(["abc/abc_audio.mp3", "abc/abc_transcription.json", "fail1/fail1_call_summary_ready.json", "fail1/fail1_failure.json"],
            keys.Order(StringComparer.Ordinal));

        // postcall reindex works on the shared engines too (under the rebuild lease).
        var reindex = await CliRunner.RunAsync(settings, ["reindex"]);
        Assert.True(reindex.ExitCode == 0, reindex.Error);
        Assert.Contains($"Indexed 2 conversations from s3://{bucket} into postgresql://127.0.0.1", reindex.Output, StringComparison.Ordinal);

        // A shared-mode instance lists and searches what was migrated.
        var service = settings.ToDictionary();
        service[PostcallSettings.ApiKeyVariable] = Key;
        await using var factory = new PostcallFactory(service);
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        var found = await Envelope.SendAsync(client, new HttpRequestMessage(HttpMethod.Get, "/api/conversations?q=angelo"));
        Assert.Equal("abc", found.Data.GetProperty("conversations")[0].GetProperty("conversation_id").GetString());
        var failed = await Envelope.SendAsync(client, new HttpRequestMessage(HttpMethod.Get, "/api/conversations/fail1"));
        Assert.Equal(HttpStatusCode.OK, failed.Status);
        Assert.True(failed.Data.GetProperty("links").GetProperty("other").TryGetProperty("call_summary_ready", out _));
    }

    [Fact]
    public async Task Without_both_shared_engines_it_says_what_to_set()
    {
        var run = await CliRunner.RunAsync(new() { [PostcallSettings.PayloadPathVariable] = _root }, ["migrate", "--to-shared"]);
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains(PostcallSettings.StorageUrlVariable, run.Error, StringComparison.Ordinal);
    }
}
