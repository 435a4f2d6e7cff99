namespace Postcall.Storage.Files;

internal static class FileComparison
{
    private const int BufferSize = 64 * 1024;

    /// <summary>
    /// True when <paramref name="existing"/> (still) exists and holds exactly the bytes of <paramref name="candidate"/>.
    /// Blocking: it runs among the other durable steps, off the request threads.
    /// </summary>
    public static bool SameContent(string existing, string candidate)
    {
        try
        {
            using var a = Open(existing);
            using var b = Open(candidate);
            if (a.Length != b.Length)
            {
                return false;
            }

            var left = new byte[BufferSize];
            var right = new byte[BufferSize];
            int read;
            while ((read = a.ReadAtLeast(left, BufferSize, throwOnEndOfStream: false)) > 0)
            {
                if (b.ReadAtLeast(right.AsSpan(0, read), read, throwOnEndOfStream: false) != read || !left.AsSpan(0, read).SequenceEqual(right.AsSpan(0, read)))
                {
                    return false;
                }
            }

            return true;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return false; // replaced or removed while we looked
        }
    }

    private static FileStream Open(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
}
