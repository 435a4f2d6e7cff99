using Postcall.Hosting;
using Postcall.Tests.Support;

namespace Postcall.Tests.SharedMode;

/// <summary>
/// A bucket that does not exist (a typo in <c>POSTCALL_STORAGE_URL</c>, a bucket not made yet): start-up says the
/// bucket cannot be read, with the store's reason, not that the index needs a <c>postcall reindex</c>.
/// </summary>
[Trait("Needs", "engines")]
public sealed class MissingBucketTests(SharedEngines engines) : IDisposable
{
    private readonly string _workDir = Directory.CreateTempSubdirectory("postcall-nobucket-").FullName;

    public void Dispose() => Directory.Delete(_workDir, recursive: true);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Start_up_warns_about_the_bucket_not_the_index(bool withDatabase)
    {
        var settings = await engines.SharedSettingsAsync();
        settings[PostcallSettings.StorageUrlVariable] = "s3://no-such-bucket-" + Guid.NewGuid().ToString("N")[..8];
        if (!withDatabase)
        {
            settings.Remove(PostcallSettings.DatabaseUrlVariable);
        }

        settings[PostcallSettings.HmacKeyVariable] = Fixtures.Secret;
        settings[PostcallSettings.PayloadPathVariable] = "./payloads";
        using var service = new ServiceProcess(_workDir, settings, "--urls", ServiceProcess.AnyPort);
        using var client = await service.ClientAsync();

        var warning = await service.WaitForOutputAsync(l => l.Contains("cannot be read", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        Assert.Contains(settings[PostcallSettings.StorageUrlVariable], warning, StringComparison.Ordinal);
        Assert.Contains("bucket does not exist", warning, StringComparison.Ordinal);
        Assert.DoesNotContain(service.OutputLines, l => l.Contains("reindex", StringComparison.Ordinal));
    }
}
