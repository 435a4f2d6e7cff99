using System.Buffers;

namespace Postcall.Storage;

internal static class FileComparison
{
    /// <summary>True when <paramref name="existing"/> exists and holds exactly the bytes of <paramref name="candidate"/>.</summary>
    public static async Task<bool> SameContentAsync(string existing, string candidate, CancellationToken cancellationToken)
    {
        FileStream a;
        try
        {
            a = OpenForCompare(existing);
        }
        catch (FileNotFoundException)
        {
            return false;
        }
        catch (DirectoryNotFoundException)
        {
            return false;
        }

        await using (a)
        {
            await using var b = OpenForCompare(candidate);
            if (a.Length != b.Length)
            {
                return false;
            }

            var left = ArrayPool<byte>.Shared.Rent(64 * 1024);
            var right = ArrayPool<byte>.Shared.Rent(64 * 1024);
            try
            {
                while (true)
                {
                    var read = await a.ReadAtLeastAsync(left.AsMemory(0, 64 * 1024), 64 * 1024, throwOnEndOfStream: false, cancellationToken);
                    var readOther = await b.ReadAtLeastAsync(right.AsMemory(0, read), read, throwOnEndOfStream: false, cancellationToken);
                    if (read != readOther || !left.AsSpan(0, read).SequenceEqual(right.AsSpan(0, read)))
                    {
                        return false;
                    }

                    if (read == 0)
                    {
                        return true;
                    }
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(left);
                ArrayPool<byte>.Shared.Return(right);
            }
        }
    }

    private static FileStream OpenForCompare(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
}
