namespace Postcall.Hosting;

internal static class PostcallEngines
{
    /// <summary>
    /// The one place this host chooses its engines, for the service and the commands alike: Postcall with files and
    /// SQLite built in, and the S3 and PostgreSQL engines its settings may turn on
    /// (<c>POSTCALL_STORAGE_URL</c>, <c>POSTCALL_DATABASE_URL</c>).
    /// </summary>
    public static IServiceCollection AddPostcallWithEngines(this IServiceCollection services) =>
        services.AddPostcall().AddPostcallS3().AddPostcallPostgreSql();
}
