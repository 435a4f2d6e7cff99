using System.Text.Json;
using Postcall.Tests.Support;

namespace Postcall.Tests.Cli;

/// <summary><c>postcall send</c> against a real service on 127.0.0.1.</summary>
public sealed class SendCommandTests : IAsyncLifetime
{
    private readonly Dictionary<string, string?> _environment = new() { ["ELEVENLABS_POST_CALL_HMAC_KEY"] = Fixtures.Secret };
    private KestrelHost _factory = null!;
    private string _url = string.Empty;

    public async ValueTask InitializeAsync()
    {
        _factory = await KestrelHost.StartAsync();
        _url = new Uri(_factory.BaseAddress, "/webhook/post-call").ToString();
    }

    public ValueTask DisposeAsync() => _factory.DisposeAsync();

    private Task<CliRunner.Run> SendAsync(params string[] args) =>
        CliRunner.RunAsync(_environment, ["send", .. args, "--url", _url]);

    private string Stored(string cid, string file) => Path.Combine(_factory.PayloadRoot, cid, $"{cid}_{file}");

    [Theory]
    [InlineData("transcription", "elevenlabs", "transcription.json")]
    [InlineData("failure", "elevenlabs", "failure.json")]
    [InlineData("audio", "elevenlabs", "audio.mp3")]
    [InlineData("transcription", "seed", "transcription.json")]
    [InlineData("failure", "seed", "failure.json")]
    [InlineData("audio", "seed", "audio.mp3")]
    public async Task Each_type_in_each_format_is_stored(string type, string format, string file)
    {
        var cid = $"cli-{type}-{format}";
        var run = await SendAsync(type, "--format", format, "--conversation-id", cid);

        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("200 OK", run.Output, StringComparison.Ordinal);
        Assert.Contains($"conversation {cid}", run.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(Stored(cid, file)));
        if (type == "audio")
        {
            Assert.Equal(Fixtures.Bytes("sample_call.mp3"), await File.ReadAllBytesAsync(Stored(cid, file), TestContext.Current.CancellationToken));
        }
    }

    [Fact]
    public async Task The_envelope_looks_like_elevenlabs_own()
    {
        await SendAsync("transcription", "--conversation-id", "looks-real");
        using var sent = JsonDocument.Parse(await File.ReadAllBytesAsync(Stored("looks-real", "transcription.json"), TestContext.Current.CancellationToken));
        var root = sent.RootElement;
        Assert.Equal("post_call_transcription", root.GetProperty("type").GetString());
        Assert.True(root.GetProperty("event_timestamp").GetInt64() > 1_700_000_000);
        Assert.Equal("looks-real", root.GetProperty("data").GetProperty("conversation_id").GetString());
        Assert.True(root.GetProperty("data").GetProperty("transcript").GetArrayLength() > 0);
    }

    [Fact]
    public async Task Twilio_failures_carry_twilio_metadata()
    {
        await SendAsync("failure", "--failure", "twilio", "--conversation-id", "tw");
        using var sent = JsonDocument.Parse(await File.ReadAllBytesAsync(Stored("tw", "failure.json"), TestContext.Current.CancellationToken));
        Assert.Equal("twilio", sent.RootElement.GetProperty("data").GetProperty("metadata").GetProperty("type").GetString());
    }

    [Fact]
    public async Task A_given_mp3_is_streamed_and_stored_exactly()
    {
        var mp3 = new byte[3 * 1024 * 1024 + 1];
        new Random(9).NextBytes(mp3);
        var path = Path.Combine(_factory.PayloadRoot, "..", $"cli-{Guid.NewGuid():N}.mp3");
        await File.WriteAllBytesAsync(path, mp3, TestContext.Current.CancellationToken);
        try
        {
            var run = await SendAsync("audio", "--audio", path, "--conversation-id", "given-mp3");
            Assert.Equal(0, run.ExitCode);
            Assert.Equal(mp3, await File.ReadAllBytesAsync(Stored("given-mp3", "audio.mp3"), TestContext.Current.CancellationToken));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_file_is_sent_as_is()
    {
        var run = await SendAsync("transcription", "--file", Fixtures.PathOf("post_call_transcription.json"));
        Assert.Equal(0, run.ExitCode);
        Assert.Equal(Fixtures.Bytes("post_call_transcription.json"), await File.ReadAllBytesAsync(Stored("abc", "transcription.json"), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Count_and_concurrency_send_distinct_deliveries_and_sum_up()
    {
        var run = await SendAsync("transcription", "--count", "40", "--concurrency", "8");
        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("sent 40  ok 40  failed 0  duplicates 0", run.Output, StringComparison.Ordinal);
        Assert.Contains("req/s", run.Output, StringComparison.Ordinal);
        Assert.Equal(40, Directory.GetDirectories(_factory.PayloadRoot).Count(d => Path.GetFileName(d).StartsWith("conv_", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Repeating_a_file_counts_duplicates()
    {
        var run = await SendAsync("failure", "--file", Fixtures.PathOf("call_initiation_failure_sip.json"), "--count", "3");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("ok 3  failed 0  duplicates 2", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rejected_delivery_exits_1_and_shows_the_answer()
    {
        var run = await SendAsync("transcription", "--secret", "wsec_wrong");
        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith("401 Unauthorized", run.Output, StringComparison.Ordinal);
        Assert.Contains("signature_mismatch", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_service_is_a_clear_error()
    {
        var run = await CliRunner.RunAsync(_environment, ["send", "transcription", "--url", "http://127.0.0.1:9/webhook/post-call"]);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("Cannot reach http://127.0.0.1:9/webhook/post-call", run.Error, StringComparison.Ordinal);
        Assert.Contains("Is the service running?", run.Error, StringComparison.Ordinal);
    }
}
