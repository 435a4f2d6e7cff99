namespace Postcall.Hosting;

internal static class MissingEngine
{
    /// <summary>What to add for a setting that names a shared engine the app does not have.</summary>
    public static string Message(string variable) => variable == PostcallSettings.StorageUrlVariable
        ? $"{variable} is set, but this app has no S3 engine: add the Postcall.S3 package and call services.AddPostcallS3()."
        : $"{variable} is set, but this app has no PostgreSQL engine: add the Postcall.PostgreSql package and call services.AddPostcallPostgreSql().";
}
