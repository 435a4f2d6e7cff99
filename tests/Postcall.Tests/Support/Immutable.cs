namespace Postcall.Tests.Support;

/// <summary>
/// The immutable flag (<c>chattr +i</c>) on a folder: nothing can be added to it, even by root, for whom file modes
/// do not stop writes. Its subfolders stay writable.
/// </summary>
public sealed class Immutable : IDisposable
{
    private readonly string _path;

    public Immutable(string path)
    {
        _path = path;
        Chattr("+i", path);
    }

    public void Dispose() => Chattr("-i", _path);

    private static void Chattr(string flag, string path)
    {
        using var chattr = System.Diagnostics.Process.Start("chattr", [flag, path]);
        chattr.WaitForExit();
        Assert.True(chattr.ExitCode == 0, $"chattr {flag} {path} failed: the test needs root on a file system with the immutable flag (ext4, xfs, btrfs)");
    }
}
