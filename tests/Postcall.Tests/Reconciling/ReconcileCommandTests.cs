using Postcall.Cli;
using Postcall.Hosting;
using Postcall.Reconciling;
using Postcall.Tests.Support;

namespace Postcall.Tests.Reconciling;

/// <summary><c>postcall reconcile</c> drives <c>/api/reconcile</c> on a running service and ends with the sweep's report.</summary>
public sealed class ReconcileCommandTests
{
    private const string AdminKey = "reconcile-admin-key-5d2c8e71";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static async Task<(int Code, string Output, string Error)> RunAsync(Dictionary<string, string?> environment, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await PostcallCli.RunAsync(args, output, error, new CliEnvironment(n => environment.GetValueOrDefault(n), Path.GetTempPath()),
            cancellationToken: Cancel);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task A_reconcile_over_a_range_fetches_the_missing_calls_and_prints_its_report()
    {
        var mp3 = Fixtures.Bytes("sample_call.mp3");
        await using var standIn = await ConversationsApiStandIn.StartAsync();
        standIn.Conversations["conv_8601kkbwnjzmrdvecf01ktvg26tf"] = ConversationsApiStandIn.Conversation("conv_8601kkbwnjzmrdvecf01ktvg26tf");
        standIn.Recordings["conv_8601kkbwnjzmrdvecf01ktvg26tf"] = mp3;
        await using var service = await KestrelHost.StartAsync(new()
        {
            [PostcallSettings.AdminKeyVariable] = AdminKey,
            [ElevenLabsApiSettings.ApiKeyVariable] = ConversationsApiStandIn.Key,
            [ElevenLabsApiSettings.BaseUrlVariable] = standIn.BaseUrl.AbsoluteUri,
            [ReconcileSettings.IntervalVariable] = "off",
        });
        var environment = new Dictionary<string, string?> { [PostcallSettings.AdminKeyVariable] = AdminKey };

        var (code, output, error) = await RunAsync(environment, "reconcile", "--since", "2026-01-01", "--url", service.BaseAddress.AbsoluteUri);

        Assert.Equal(ExitCodes.Ok, code);
        Assert.Equal(string.Empty, error);
        Assert.Contains("Sweep swp_", output, StringComparison.Ordinal);
        Assert.Matches(@"listed\s+8", output);
        Assert.Matches(@"backfilled: transcriptions\s+1", output);
        Assert.Matches(@"backfilled: recordings\s+1", output);
        Assert.Matches(@"unfillable\s+6", output);
        Assert.Contains("unfillable conv_7601kkbse994svh2b6t7656p5vbf transcription: The API cannot give it (404)", output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(service.PayloadRoot, "conv_8601kkbwnjzmrdvecf01ktvg26tf", "conv_8601kkbwnjzmrdvecf01ktvg26tf_audio.mp3")));
    }

    [Fact]
    public async Task Without_an_admin_key_or_a_service_it_says_what_is_missing()
    {
        var (code, _, error) = await RunAsync([], "reconcile", "--since", "2026-01-01");
        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains("No admin key: set POSTCALL_ADMIN_KEY", error, StringComparison.Ordinal);

        (code, _, error) = await RunAsync([], "reconcile", "--since", "2026-01-01", "--url", "http://127.0.0.1:9", "--admin-key", AdminKey);
        Assert.Equal(ExitCodes.Failure, code);
        Assert.Contains(ReconcileCommand.AdminKeyWarning, error, StringComparison.Ordinal);
        Assert.Contains("Could not reach the service at http://127.0.0.1:9/", error, StringComparison.Ordinal);
        Assert.DoesNotContain(AdminKey, error, StringComparison.Ordinal);
    }
}
