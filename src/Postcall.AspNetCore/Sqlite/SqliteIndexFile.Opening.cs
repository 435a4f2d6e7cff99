using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Postcall.Sqlite;

/// <summary>Opening the index: create it when missing, replace it when it cannot be trusted.</summary>
internal sealed partial class SqliteIndexFile
{
    private const int SqliteCorrupt = 11;
    private const int SqliteNotADatabase = 26;

    /// <summary>
    /// Opens the index, creating it when missing and replacing it when it is corrupt or of another schema version.
    /// Anything but <see cref="IndexOpening.Opened"/> leaves an empty index for the caller to fill from the files.
    /// </summary>
    public (IndexOpening Opening, string? Reason) Open()
    {
        Storage.OwnerOnly.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        var existed = File.Exists(Path) && new FileInfo(Path).Length > 0;
        string? problem;
        try
        {
            problem = existed ? Inspect() : null;
        }
        catch (SqliteException e) when (e.SqliteErrorCode is SqliteCorrupt or SqliteNotADatabase)
        {
            problem = e.Message;
        }

        if (problem is not null)
        {
            DeleteFiles();
        }

        Storage.OwnerOnly.PrepareFile(Path);
        using (var connection = Connect())
        {
            Execute(connection, "PRAGMA journal_mode = WAL;");
            Execute(connection, SqliteIndexSchema.Create);
            Execute(connection, $"PRAGMA user_version = {SqliteIndexSchema.Version};");
        }

        return problem is not null ? (IndexOpening.Rebuilt, problem) : (existed ? IndexOpening.Opened : IndexOpening.Created, null);
    }

    private string? Inspect()
    {
        using var connection = Connect();
        var version = Scalar<long>(connection, "PRAGMA user_version;");
        if (version != SqliteIndexSchema.Version)
        {
            return string.Create(CultureInfo.InvariantCulture, $"schema version {version}, expected {SqliteIndexSchema.Version}");
        }

        var check = Scalar<string>(connection, "PRAGMA quick_check;");
        return check == "ok" ? null : $"integrity check failed: {check}";
    }

    private void DeleteFiles()
    {
        Close();
        foreach (var suffix in new[] { string.Empty, "-wal", "-shm", "-journal" })
        {
            File.Delete(Path + suffix);
        }
    }
}
