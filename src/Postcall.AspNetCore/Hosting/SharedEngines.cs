using Postcall.Coordination;
using Postcall.Forwarding;
using Postcall.Index;
using Postcall.Storage;

namespace Postcall.Hosting;

/// <summary>
/// The seam of the engines several instances share, each brought by a package of its own so that an app on files and
/// SQLite pulls in neither AWSSDK nor Npgsql: Postcall.S3 (<c>POSTCALL_STORAGE_URL</c>) and Postcall.PostgreSql
/// (<c>POSTCALL_DATABASE_URL</c>). An engine checks its own setting with the others at start-up and makes what the
/// core asks of it; none of its types crosses this seam.
/// </summary>
internal interface ISharedEngine
{
    /// <summary>The setting that turns it on.</summary>
    string Variable { get; }

    /// <summary>A problem with the setting's value, naming the setting but never quoting the value; null when it is good.</summary>
    string? Check(string value);
}

/// <summary>Where payloads go when <c>POSTCALL_STORAGE_URL</c> is set.</summary>
internal interface ISharedStorageEngine : ISharedEngine
{
    IPayloadStore CreateStore(IServiceProvider services);
}

/// <summary>Where the index, the outbox and the job leases live when <c>POSTCALL_DATABASE_URL</c> is set.</summary>
internal interface ISharedDatabaseEngine : ISharedEngine
{
    IConversationIndex CreateIndex(IServiceProvider services);

    IForwardOutbox CreateOutbox(IServiceProvider services);

    IJobLeases CreateLeases(IServiceProvider services);
}

internal static class MissingEngine
{
    /// <summary>What to add for a setting that names a shared engine the app does not have.</summary>
    public static string Message(string variable) => variable == PostcallSettings.StorageUrlVariable
        ? $"{variable} is set, but this app has no S3 engine: add the Postcall.S3 package and call services.AddPostcallS3()."
        : $"{variable} is set, but this app has no PostgreSQL engine: add the Postcall.PostgreSql package and call services.AddPostcallPostgreSql().";
}
