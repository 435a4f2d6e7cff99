using Postcall.Hosting;
using Postcall.Storage.S3;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the S3 engine to Postcall.</summary>
public static class PostcallS3ServiceCollectionExtensions
{
    /// <summary>
    /// Lets Postcall keep calls in an S3-compatible bucket when <c>POSTCALL_STORAGE_URL</c> (<c>s3://bucket/prefix</c>)
    /// is set; unset, calls stay in files. The AWS SDK reads its own settings (<c>AWS_ENDPOINT_URL</c>, keys, region).
    /// With <c>POSTCALL_DATABASE_URL</c> too (Postcall.PostgreSql), several instances serve the same calls.
    /// </summary>
    /// <param name="services">The app's services, with <c>AddPostcall</c>.</param>
    public static IServiceCollection AddPostcallS3(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton<S3StorageEngine>();
        services.AddSingleton<ISharedEngine>(sp => sp.GetRequiredService<S3StorageEngine>());
        services.AddSingleton<ISharedStorageEngine>(sp => sp.GetRequiredService<S3StorageEngine>());
        return services;
    }
}
