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
