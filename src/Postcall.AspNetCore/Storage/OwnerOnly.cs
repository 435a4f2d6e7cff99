namespace Postcall.Storage;

/// <summary>
/// Stored calls and the service's state (signing secrets, destination headers, the media-link key, the index) are
/// readable by the service's own user alone, whatever the umask: folders are created 0700 and files 0600, and what an
/// earlier version left open is tightened at start-up. A no-op on Windows, where files inherit their folder's ACL.
/// </summary>
internal static class OwnerOnly
{
    public const UnixFileMode FolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Creates <paramref name="path"/> and any missing parent, each owner-only.</summary>
    public static void CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, FolderMode);
        }
    }

    /// <summary>Options that create a file owner-only.</summary>
    public static FileStreamOptions Options(System.IO.FileMode mode, FileAccess access, FileShare share, int bufferSize = 1, FileOptions options = FileOptions.None)
    {
        var result = new FileStreamOptions { Mode = mode, Access = access, Share = share, BufferSize = bufferSize, Options = options };
        if (!OperatingSystem.IsWindows() && mode != System.IO.FileMode.Open && access != FileAccess.Read)
        {
            result.UnixCreateMode = FileMode;
        }

        return result;
    }

    /// <summary>
    /// For a file another library creates (SQLite): creates it empty and owner-only when it is missing, so the library
    /// opens that file instead of making one under the umask (SQLite gives its journal and WAL files the database
    /// file's mode), and tightens it when it exists.
    /// </summary>
    public static void PrepareFile(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        try
        {
            using (new FileStream(path, Options(System.IO.FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite)))
            {
            }
        }
        catch (IOException) when (File.Exists(path))
        {
            Tighten(path);
        }
    }

    /// <summary>
    /// Takes group and other permissions off <paramref name="folder"/> and everything in it, symbolic links not
    /// followed. Only for a folder the service made and names itself (its state folder, a conversation's folder),
    /// never one an operator chose: that one keeps the mode its owner gave it. Returns how many entries it changed;
    /// what the service may not change (another owner's) is left as it is.
    /// </summary>
    public static int TightenTree(string folder)
    {
        if (OperatingSystem.IsWindows() || !Directory.Exists(folder) || new DirectoryInfo(folder).LinkTarget is not null)
        {
            return 0;
        }

        var changed = Tighten(folder) ? 1 : 0;
        foreach (var entry in Directory.EnumerateFileSystemEntries(folder, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint }))
        {
            changed += Tighten(entry) ? 1 : 0;
        }

        return changed;
    }

    private static bool Tighten(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }

        try
        {
            var mode = File.GetUnixFileMode(path);
            if ((mode & GroupOrOther) == 0)
            {
                return false;
            }

            File.SetUnixFileMode(path, mode & ~GroupOrOther);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
