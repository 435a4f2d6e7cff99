using Amazon.Runtime;
using Amazon.S3;

namespace Postcall.Storage.S3;

/// <summary>
/// The S3 client, configured as the AWS SDK configures itself: credentials and region from its default chain
/// (environment, profiles, instance and pod roles), unless keys are given in Postcall's own settings (.env). <c>AWS_ENDPOINT_URL</c> points it at an S3-compatible server
/// instead, with path-style addressing, which every such server understands.
/// </summary>
internal static class S3ClientFactory
{
    public const string EndpointVariable = "AWS_ENDPOINT_URL";

    public static IAmazonS3 Create(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var config = new AmazonS3Config
        {
            // Compatible servers (MinIO, R2, moto) do not all take the newer default checksums.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            Timeout = TimeSpan.FromSeconds(60),
            MaxErrorRetry = 3,
        };
        var region = environment("AWS_REGION") ?? environment("AWS_DEFAULT_REGION");
        if (environment(EndpointVariable) is { Length: > 0 } endpoint)
        {
            config.ServiceURL = endpoint;
            config.ForcePathStyle = true;
            config.AuthenticationRegion = region ?? "us-east-1";
        }
        else if (region is not null)
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(region);
        }

        // Keys given to Postcall itself (its environment or .env) win; otherwise the SDK's own chain finds them.
        if (environment("AWS_ACCESS_KEY_ID") is { Length: > 0 } accessKey && environment("AWS_SECRET_ACCESS_KEY") is { Length: > 0 } secretKey)
        {
            AWSCredentials credentials = environment("AWS_SESSION_TOKEN") is { Length: > 0 } token
                ? new SessionAWSCredentials(accessKey, secretKey, token)
                : new BasicAWSCredentials(accessKey, secretKey);
            return new AmazonS3Client(credentials, config);
        }

        return new AmazonS3Client(config);
    }
}
