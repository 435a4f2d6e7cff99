using Postcall.Tests.Support;

namespace Postcall.Tests.Cli;

public sealed class SignVerifyCommandTests
{
    private static readonly Dictionary<string, string?> Configured = new() { ["ELEVENLABS_POST_CALL_HMAC_KEY"] = $"{Fixtures.Secret},wsec_second" };

    [Fact]
    public async Task Sign_prints_the_golden_header_for_the_fixture()
    {
        var vector = Fixtures.Vectors()[0];
        var run = await CliRunner.RunAsync(Configured, ["sign", "--file", Fixtures.PathOf(vector.File), "--timestamp", vector.Timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        Assert.Equal(0, run.ExitCode);
        Assert.Equal(vector.Header, run.Output.Trim());
    }

    [Fact]
    public async Task Sign_defaults_to_now_and_the_first_configured_secret()
    {
        var run = await CliRunner.RunAsync(Configured, ["sign", "--file", Fixtures.PathOf("post_call_transcription.json")], CliRunner.At(1_800_000_000));
        Assert.StartsWith("t=1800000000,v0=", run.Output, StringComparison.Ordinal);
        var check = await CliRunner.RunAsync(new() { ["ELEVENLABS_POST_CALL_HMAC_KEY"] = Fixtures.Secret },
            ["verify", "--file", Fixtures.PathOf("post_call_transcription.json"), "--signature", run.Output.Trim()], CliRunner.At(1_800_000_000));
        Assert.Equal(0, check.ExitCode);
    }

    [Fact]
    public async Task Sign_without_any_secret_says_how_to_give_one()
    {
        var run = await CliRunner.RunAsync([], ["sign", "--file", Fixtures.PathOf("post_call_transcription.json")]);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("--secret", run.Error, StringComparison.Ordinal);
        Assert.Contains("ELEVENLABS_POST_CALL_HMAC_KEY", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sign")]
    [InlineData("verify")]
    [InlineData("send")]
    public async Task A_secret_on_the_command_line_works_but_warns_and_the_help_says_why(string command)
    {
        var help = await CliRunner.RunAsync([], [command, "--help"]);
        Assert.Contains("visible to other local users", help.Output, StringComparison.Ordinal);

        var vector = Fixtures.Vectors()[0];
        string[] args = command switch
        {
            "sign" => ["sign", "--file", Fixtures.PathOf(vector.File)],
            "verify" => ["verify", "--file", Fixtures.PathOf(vector.File), "--signature", vector.Header],
            _ => ["send", "transcription", "--url", "http://127.0.0.1:9/webhook/post-call"],
        };
        var run = await CliRunner.RunAsync([], [.. args, "--secret", Fixtures.Secret], CliRunner.At(vector.Timestamp));
        Assert.Contains("warning: --secret is visible to every user of this machine", run.Error, StringComparison.Ordinal);
        Assert.Contains("ELEVENLABS_POST_CALL_HMAC_KEY in the environment or .env", run.Error, StringComparison.Ordinal);
        if (command != "send")
        {
            Assert.Equal(0, run.ExitCode);
        }

        var quiet = await CliRunner.RunAsync(new() { ["ELEVENLABS_POST_CALL_HMAC_KEY"] = Fixtures.Secret }, args, CliRunner.At(vector.Timestamp));
        Assert.DoesNotContain("warning", quiet.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_of_a_missing_file_is_a_clear_error()
    {
        var run = await CliRunner.RunAsync(Configured, ["sign", "--file", "/nonexistent/body.json"]);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("/nonexistent/body.json", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_accepts_a_golden_vector_at_its_time()
    {
        var vector = Fixtures.Vectors()[1];
        var run = await CliRunner.RunAsync(Configured, ["verify", "--file", Fixtures.PathOf(vector.File), "--signature", vector.Header], CliRunner.At(vector.Timestamp + 120));
        Assert.Equal(0, run.ExitCode);
        Assert.StartsWith("valid:", run.Output, StringComparison.Ordinal);
        Assert.Contains("2 minutes in the past", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_says_how_far_outside_the_tolerance_a_stale_signature_is()
    {
        var vector = Fixtures.Vectors()[0];
        var run = await CliRunner.RunAsync(Configured, ["verify", "--file", Fixtures.PathOf(vector.File), "--signature", vector.Header], CliRunner.At(vector.Timestamp + (90 * 60)));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("90 minutes in the past, 60 minutes outside the 30-minute tolerance", run.Output, StringComparison.Ordinal);
        Assert.Contains("the HMAC itself matches", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_says_no_secret_matches()
    {
        var vector = Fixtures.Vectors()[0];
        var run = await CliRunner.RunAsync([], ["verify", "--file", Fixtures.PathOf(vector.File), "--signature", vector.Header, "--secret", "wsec_other"], CliRunner.At(vector.Timestamp));
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("no secret matches", run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("v0=0000000000000000000000000000000000000000000000000000000000000000", "no t=<unix seconds> part")]
    [InlineData("t=12,v0=abc", "v0='abc' is not 64 hex characters")]
    [InlineData("t=soon,v0=abc", "t='soon' is not a whole number")]
    [InlineData("t=12", "no v0=<hex HMAC> part")]
    public async Task Verify_names_what_is_malformed(string header, string problem)
    {
        var run = await CliRunner.RunAsync(Configured, ["verify", "--file", Fixtures.PathOf("post_call_transcription.json"), "--signature", header]);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("malformed header", run.Output, StringComparison.Ordinal);
        Assert.Contains(problem, run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("verify", "--file", "x.json")]
    [InlineData("sign")]
    [InlineData("send", "voicemail")]
    [InlineData("send", "audio", "--count", "0")]
    [InlineData("tunnel", "--port", "70000")]
    [InlineData("sign", "--file", "x", "--nope")]
    public async Task Usage_errors_exit_2_and_point_to_help(params string[] args)
    {
        var run = await CliRunner.RunAsync(Configured, args);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--help", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("send", "--help")]
    [InlineData("sign", "--help")]
    [InlineData("verify", "--help")]
    [InlineData("tunnel", "--help")]
    public async Task Every_command_has_help(params string[] args)
    {
        var run = await CliRunner.RunAsync([], args);
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Usage:", run.Output, StringComparison.Ordinal);
    }
}
