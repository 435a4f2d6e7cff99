using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Amazon.S3.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Postcall.Conversations;
using Postcall.Hosting;
using Postcall.Http;
using Postcall.Tests.Support;

namespace Postcall.Tests.SharedMode;

/// <summary>Two instances in memory on one real PostgreSQL and one real S3-compatible bucket: every guarantee holds across them.</summary>
[Trait("Needs", "engines")]
public sealed class SharedModeTests(SharedEngines engines) : IAsyncLifetime
{
    private const string Key = "shared-mode-test-key-7c1d";
    private Dictionary<string, string> _settings = [];
    private PostcallFactory _a = null!;
    private PostcallFactory _b = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _settings = await engines.SharedSettingsAsync(prefix: "calls");
        _a = Instance(_settings);
        _b = Instance(_settings);
    }

    public async ValueTask DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    private static PostcallFactory Instance(Dictionary<string, string> settings, params (string Key, string Value)[] overrides)
    {
        var all = settings.ToDictionary(p => p.Key, p => (string?)p.Value);
        all[PostcallSettings.ApiKeyVariable] = Key;
        foreach (var (key, value) in overrides)
        {
            all[key] = value;
        }

        return new PostcallFactory(all);
    }

    private static HttpClient Reader(PostcallFactory factory)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        return client;
    }

    private static Task<Envelope> DeliverAsync(PostcallFactory factory, string body) =>
        Envelope.SendAsync(factory.CreateClient(), Deliveries.SignedRequest(body));

    private string Bucket => _settings[PostcallSettings.StorageUrlVariable]["s3://".Length..].Split('/')[0];

    private async Task<byte[]?> ObjectAsync(string key)
    {
        using var client = engines.S3Client();
        try
        {
            using var response = await client.GetObjectAsync(Bucket, "calls/" + key, Cancel);
            using var copy = new MemoryStream();
            await response.ResponseStream.CopyToAsync(copy, Cancel);
            return copy.ToArray();
        }
        catch (Amazon.S3.AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    [Fact]
    public async Task What_one_instance_stores_is_byte_exact_in_the_bucket_and_every_instance_reads_lists_plays_and_deletes_it()
    {
        var transcription = Fixtures.Bytes("post_call_transcription.json");
        var mp3 = RandomNumberGenerator.GetBytes(3 * 1024 * 1024 + 17);
        Assert.Equal(HttpStatusCode.OK, (await Envelope.SendAsync(_a.CreateClient(), Deliveries.SignedRequest(transcription))).Status);
        var audio = await DeliverAsync(_a, Deliveries.Audio("abc", mp3));
        Assert.Equal(HttpStatusCode.OK, audio.Status);
        Assert.Equal("s3://" + Bucket + "/calls/abc/abc_audio.mp3", audio.Data.GetProperty("file_path").GetString());

        Assert.Equal(transcription, await ObjectAsync("abc/abc_transcription.json"));
        Assert.Equal(mp3, await ObjectAsync("abc/abc_audio.mp3"));

        var b = Reader(_b);
        var list = await Envelope.SendAsync(b, new HttpRequestMessage(HttpMethod.Get, "/api/conversations?q=angelo"));
        Assert.Equal("abc", list.Data.GetProperty("conversations")[0].GetProperty("conversation_id").GetString());
        var detail = await Envelope.SendAsync(Reader(_a), new HttpRequestMessage(HttpMethod.Get, "/api/conversations/abc"));
        Assert.Equal("success", detail.Data.GetProperty("analysis").GetProperty("call_successful").GetString());

        // A media link minted by A plays on B, with Range, without the API key.
        var link = detail.Data.GetProperty("links").GetProperty("audio").GetString()!;
        var range = new HttpRequestMessage(HttpMethod.Get, link);
        range.Headers.Range = new RangeHeaderValue(1_000_000, 1_000_099);
        using var partial = await _b.CreateClient().SendAsync(range, Cancel);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(mp3.AsSpan(1_000_000, 100).ToArray(), await partial.Content.ReadAsByteArrayAsync(Cancel));
        Assert.Equal(transcription, await b.GetByteArrayAsync(new Uri("/api/conversations/abc/raw/transcription", UriKind.Relative), Cancel));

        var deleted = await Envelope.SendAsync(b, new HttpRequestMessage(HttpMethod.Delete, "/api/conversations/abc"));
        Assert.Equal(2, deleted.Data.GetProperty("deleted_files").GetInt32());
        Assert.Null(await ObjectAsync("abc/abc_audio.mp3"));
        Assert.Null(await ObjectAsync("abc/abc_transcription.json"));
        Assert.Equal(HttpStatusCode.NotFound, (await Envelope.SendAsync(Reader(_a), new HttpRequestMessage(HttpMethod.Get, "/api/conversations/abc"))).Status);
        Assert.Equal(0, (await Envelope.SendAsync(Reader(_a), new HttpRequestMessage(HttpMethod.Get, "/api/conversations"))).Data.GetProperty("conversations").GetArrayLength());
    }

    [Fact]
    public async Task The_same_delivery_on_another_instance_is_a_duplicate_and_racing_copies_leave_one_object()
    {
        var body = Deliveries.Transcription("dup1");
        Assert.False((await DeliverAsync(_a, body)).Data.GetProperty("duplicate").GetBoolean());
        Assert.True((await DeliverAsync(_b, body)).Data.GetProperty("duplicate").GetBoolean());

        var race = Deliveries.Transcription("race1");
        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => DeliverAsync(i % 2 == 0 ? _a : _b, race)));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        using var client = engines.S3Client();
        var objects = await client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket, Prefix = "calls/race1/" }, Cancel);
        Assert.Equal(["calls/race1/race1_transcription.json"], objects.S3Objects.Select(o => o.Key));
        Assert.Equal(Encoding.UTF8.GetBytes(race), await ObjectAsync("race1/race1_transcription.json"));

        // Different content for the same conversation and kind replaces it, seen from both.
        var changed = Deliveries.Transcription("dup1").Replace("Hello", "Goodbye", StringComparison.Ordinal);
        Assert.False((await DeliverAsync(_b, changed)).Data.GetProperty("duplicate").GetBoolean());
        var found = await Envelope.SendAsync(Reader(_a), new HttpRequestMessage(HttpMethod.Get, "/api/conversations?q=goodbye"));
        Assert.Equal("dup1", found.Data.GetProperty("conversations")[0].GetProperty("conversation_id").GetString());
    }

    [Fact]
    public async Task Retention_on_one_instance_removes_expired_calls_from_the_bucket_and_the_index_for_all()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var old = DemoCalls.Calls(now)[3] with { ConversationId = "expired1", StartedAt = now - (40 * 86_400) };
        var recent = DemoCalls.Calls(now)[3] with { ConversationId = "recent1", StartedAt = now - 86_400 };
        Assert.Equal(HttpStatusCode.OK, (await DeliverAsync(_a, DemoCalls.Transcription(old))).Status);
        Assert.Equal(HttpStatusCode.OK, (await DeliverAsync(_a, DemoCalls.Transcription(recent))).Status);

        var retention = _b.Services.GetServices<IHostedService>().OfType<RetentionService>().Single();
        Assert.Equal(1, await retention.SweepAsync(TimeSpan.FromDays(30), Cancel));

        Assert.Null(await ObjectAsync("expired1/expired1_transcription.json"));
        Assert.NotNull(await ObjectAsync("recent1/recent1_transcription.json"));
        var list = await Envelope.SendAsync(Reader(_a), new HttpRequestMessage(HttpMethod.Get, "/api/conversations"));
        Assert.Equal(["recent1"], list.Data.GetProperty("conversations").EnumerateArray().Select(c => c.GetProperty("conversation_id").GetString()));
    }

    [Theory]
    [InlineData(PostcallSettings.StorageUrlVariable)]
    [InlineData(PostcallSettings.DatabaseUrlVariable)]
    public async Task Either_engine_alone_serves_one_instance(string only)
    {
        var settings = _settings.Where(p => p.Key != (only == PostcallSettings.StorageUrlVariable ? PostcallSettings.DatabaseUrlVariable : PostcallSettings.StorageUrlVariable))
            .ToDictionary(p => p.Key, p => p.Value);
        await using var single = Instance(settings);
        var mp3 = RandomNumberGenerator.GetBytes(100_000);
        Assert.Equal(HttpStatusCode.OK, (await Envelope.SendAsync(single.CreateClient(), Deliveries.SignedRequest(Fixtures.Bytes("post_call_transcription.json")))).Status);
        Assert.Equal(HttpStatusCode.OK, (await DeliverAsync(single, Deliveries.Audio("abc", mp3))).Status);

        var reader = Reader(single);
        var found = await Envelope.SendAsync(reader, new HttpRequestMessage(HttpMethod.Get, "/api/conversations?q=angelo"));
        var summary = found.Data.GetProperty("conversations")[0];
        Assert.Equal(("abc", mp3.Length), (summary.GetProperty("conversation_id").GetString(), summary.GetProperty("audio_bytes").GetInt32()));
        Assert.Equal(mp3, await reader.GetByteArrayAsync(new Uri("/api/conversations/abc/audio", UriKind.Relative), Cancel));
        Assert.Equal(only == PostcallSettings.StorageUrlVariable, await ObjectAsync("abc/abc_audio.mp3") is not null);
    }

    [Fact]
    public async Task The_start_up_log_says_which_mode_runs_and_never_the_database_password()
    {
        var capture = new Observability.LogCapture();
        var settings = _settings.ToDictionary(p => p.Key, p => (string?)p.Value);
        settings[PostcallSettings.DatabaseUrlVariable] += ";Password=do-not-log-this-password";
        settings["LOG_LEVEL"] = "INFO";
        await using var shared = new PostcallFactory(settings);
        shared.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddLogging(l => l.AddProvider(capture)))).CreateClient();
        Assert.Contains($"Shared mode: payloads in s3://{Bucket}/calls, index, leases and media-link key in postgresql://127.0.0.1", capture.AllText, StringComparison.Ordinal);
        Assert.DoesNotContain("do-not-log-this-password", capture.AllText, StringComparison.Ordinal);

        var single = new Observability.LogCapture();
        await using var files = new PostcallFactory(new() { ["LOG_LEVEL"] = "INFO" });
        files.WithWebHostBuilder(b => b.ConfigureServices(s => s.AddLogging(l => l.AddProvider(single)))).CreateClient();
        Assert.Contains("Single-instance mode: payloads in ", single.AllText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Readiness_and_metrics_name_the_database_and_the_object_store()
    {
        using var ready = await _a.CreateClient().GetAsync(new Uri("/health/ready", UriKind.Relative), Cancel);
        var text = await ready.Content.ReadAsStringAsync(Cancel);
        Assert.True(ready.StatusCode == HttpStatusCode.OK, text);
        Assert.Contains("s3://" + Bucket + "/calls", text, StringComparison.Ordinal);
        Assert.Contains("postgresql://127.0.0.1", text, StringComparison.Ordinal);
        Assert.DoesNotContain(SharedEngines.SecretKey, text, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await DeliverAsync(_a, Deliveries.Transcription("m1"))).Status);
        string metrics = string.Empty;
        for (var attempt = 0; attempt < 20 && !(metrics.Contains("engine=\"object_store\"", StringComparison.Ordinal) && metrics.Contains("engine=\"postgresql\"", StringComparison.Ordinal)); attempt++)
        {
            await Task.Delay(200, Cancel);
            metrics = await _a.CreateClient().GetStringAsync(new Uri("/metrics", UriKind.Relative), Cancel);
        }

        Assert.Contains("engine=\"object_store\",operation=\"put\"", metrics, StringComparison.Ordinal);
        Assert.Contains("engine=\"postgresql\",operation=\"record\"", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_the_bucket_or_the_database_unreachable_a_delivery_is_503_never_200_or_500()
    {
        await using var noBucket = Instance(_settings, (PostcallSettings.StorageUrlVariable, "s3://no-such-bucket-here"));
        var refused = await DeliverAsync(noBucket, Deliveries.Transcription("lost1"));
        Assert.Equal(ErrorCodes.StorageUnavailable, refused.AssertError(HttpStatusCode.ServiceUnavailable));

        await using var noDatabase = Instance(_settings, (PostcallSettings.DatabaseUrlVariable, $"postgres://postgres@127.0.0.1:{ServiceProcess.FreePort()}/none"));
        var refusedToo = await DeliverAsync(noDatabase, Deliveries.Transcription("lost2"));
        Assert.Equal(ErrorCodes.StorageUnavailable, refusedToo.AssertError(HttpStatusCode.ServiceUnavailable));
        using var ready = await noDatabase.CreateClient().GetAsync(new Uri("/health/ready", UriKind.Relative), Cancel);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Contains("index", await ready.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);

        // The object went up before the database failed: a retry (ElevenLabs retries a 503 transcription) to an
        // instance whose database works finds it stored, records it and answers 200.
        var retried = await DeliverAsync(_a, Deliveries.Transcription("lost2"));
        Assert.True(retried.Data.GetProperty("duplicate").GetBoolean());
        var list = await Envelope.SendAsync(Reader(_a), new HttpRequestMessage(HttpMethod.Get, "/api/conversations"));
        Assert.Equal(["lost2"], list.Data.GetProperty("conversations").EnumerateArray().Select(c => c.GetProperty("conversation_id").GetString()));
    }
}
