using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Postcall.ElevenLabs;
using Postcall.Tests.Support;
using Postcall.Tunnel;

namespace Postcall.Tests.Reliability;

/// <summary>
/// A redeploy loses nothing: on SIGTERM the service refuses new connections, lets a delivery already arriving finish
/// (a large recording included) within POSTCALL_SHUTDOWN_TIMEOUT, answers it 200, then exits.
/// </summary>
[Trait("Needs", "engines")]
public sealed class GracefulShutdownTests(SharedEngines engines) : IDisposable
{
    private readonly string _workDir = Directory.CreateTempSubdirectory("postcall-drain-").FullName;

    public void Dispose() => Directory.Delete(_workDir, recursive: true);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_sigterm_in_the_middle_of_an_audio_upload_lets_it_finish_with_200(bool shared)
    {
        var ct = TestContext.Current.CancellationToken;
        var root = Path.Combine(_workDir, "payloads");
        var environment = shared ? await engines.SharedSettingsAsync() : [];
        environment["ELEVENLABS_POST_CALL_HMAC_KEY"] = Fixtures.Secret;
        environment["ELEVENLABS_POST_CALL_PAYLOAD_PATH"] = root;
        environment["POSTCALL_SHUTDOWN_TIMEOUT"] = "60";
        environment["LOG_LEVEL"] = "WARNING";
        using var service = new ServiceProcess(_workDir, environment, "--urls", ServiceProcess.AnyPort);
        using var client = await service.ClientAsync(TimeSpan.FromMinutes(2));

        var mp3 = new byte[24 * 1024 * 1024];
        new Random(7).NextBytes(mp3);
        var body = Encoding.UTF8.GetBytes(Deliveries.Audio("redeployed", mp3));
        var content = new HalfThenRestContent(body, declareLength: false);
        using var request = new HttpRequestMessage(HttpMethod.Post, Deliveries.Path) { Content = content };
        request.Headers.TransferEncodingChunked = true;
        request.Headers.TryAddWithoutValidation(SignatureHeader.Name, SignatureSigner.Sign(Fixtures.Secret, Deliveries.Now, body));
        var upload = client.SendAsync(request, ct);

        await content.HalfSent.WaitAsync(TimeSpan.FromSeconds(30), ct);
        await Task.Delay(300, ct); // the server is reading the body now
        Assert.True(ProcessSignals.Terminate(service.Process.Id));

        // New connections are refused while the one delivery finishes.
        var refused = false;
        for (var attempt = 0; attempt < 100 && !refused; attempt++)
        {
            using var fresh = new HttpClient { BaseAddress = client.BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
            try
            {
                using var health = await fresh.GetAsync(new Uri("/health", UriKind.Relative), ct);
                await Task.Delay(50, ct);
            }
            catch (HttpRequestException)
            {
                refused = true;
            }
        }

        Assert.True(refused, "the service kept taking new connections after SIGTERM");
        Assert.False(service.Process.HasExited, "the service exited with a delivery still arriving");
        content.SendTheRest();

        using var response = await upload;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await service.Process.WaitForExitAsync(ct).WaitAsync(TimeSpan.FromSeconds(30), ct);
        Assert.Equal(0, service.Process.ExitCode);
        if (!shared)
        {
            Assert.Equal(mp3, await File.ReadAllBytesAsync(Path.Combine(root, "redeployed", "redeployed_audio.mp3"), ct));
            return;
        }

        // The multipart upload completed before the answer: the object is whole.
        using var s3 = engines.S3Client();
        var bucket = environment[Postcall.Hosting.PostcallSettings.StorageUrlVariable]["s3://".Length..];
        using var stored = await s3.GetObjectAsync(bucket, "redeployed/redeployed_audio.mp3", ct);
        using var copy = new MemoryStream();
        await stored.ResponseStream.CopyToAsync(copy, ct);
        Assert.Equal(mp3, copy.ToArray());
    }

    [Fact]
    public async Task Readiness_says_not_ready_once_shutting_down()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var factory = new PostcallFactory();
        var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await Envelope.ReadAsync(await client.GetAsync(new Uri("/health/ready", UriKind.Relative), ct))).Status);

        // Hold the shutdown at its first step, where a load balancer's probe still reaches the service.
        var lifetime = factory.Services.GetRequiredService<IHostApplicationLifetime>();
        using var release = new ManualResetEventSlim();
        using var held = lifetime.ApplicationStopping.Register(() => release.Wait(TimeSpan.FromSeconds(30)));
        var stopping = Task.Run(lifetime.StopApplication, ct);
        try
        {
            var ready = await Envelope.ReadAsync(await client.GetAsync(new Uri("/health/ready", UriKind.Relative), ct));
            Assert.Equal("not_ready", ready.AssertError(HttpStatusCode.ServiceUnavailable));
            Assert.Equal("Not ready: shutting down", ready.Field("message"));
        }
        finally
        {
            release.Set();
            await stopping;
        }
    }
}
