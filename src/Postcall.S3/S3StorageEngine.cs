using Postcall.Hosting;
using Postcall.Observability;
using Postcall.Storage.Files;

namespace Postcall.Storage.S3;

/// <summary>
/// Payloads in an S3-compatible bucket (<c>POSTCALL_STORAGE_URL=s3://bucket/prefix</c>), laid out as files are. The
/// client is the AWS SDK's, configured by its own settings (<c>AWS_ENDPOINT_URL</c>, keys, region).
/// </summary>
internal sealed class S3StorageEngine : ISharedStorageEngine
{
    public string Variable => PostcallSettings.StorageUrlVariable;

    public string? Check(string value) => S3Location.TryParse(value, out _, out var problem) ? null : $"{Variable} {problem}.";

    public IPayloadStore CreateStore(IServiceProvider services)
    {
        var configuration = services.GetRequiredService<IConfiguration>();
        return Create(services.GetRequiredService<PostcallSettings>(), name => configuration[name], services.GetRequiredService<PostcallMetrics>());
    }

    /// <summary>The bucket these settings name, with this instance's local state under the payload path.</summary>
    /// <param name="environment">Where the AWS SDK's settings are read.</param>
    public static S3PayloadStore Create(PostcallSettings settings, Func<string, string?> environment, PostcallMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (!S3Location.TryParse(settings.StorageUrl, out var location, out var problem))
        {
            throw new SettingsException($"{PostcallSettings.StorageUrlVariable} {problem}.");
        }

        var localState = Path.Combine(Path.GetFullPath(settings.PayloadPath), FilePayloadStore.StateFolderName, "instances");
        return new S3PayloadStore(S3ClientFactory.Create(environment), location, localState, metrics);
    }
}
