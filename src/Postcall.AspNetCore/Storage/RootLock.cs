using System.Globalization;
using System.Runtime.InteropServices;

namespace Postcall.Storage;

/// <summary>
/// One service per storage root: an exclusive <c>flock</c> on <c>&lt;root&gt;/.postcall/instance.lock</c>, held for
/// the life of the process. A second service started on the same root would sweep the first one's temp files (bodies
/// being received) at its start-up, so it is refused instead. The kernel drops the lock when the holder exits, however
/// it exits, so a crash never leaves the root locked. (The project turns off .NET's own emulation of file sharing,
/// so the lock is taken explicitly.)
/// </summary>
internal sealed partial class RootLock : IDisposable
{
    public const string FileName = "instance.lock";

    private const int LockExclusive = 2;
    private const int LockNonBlocking = 4;

    private readonly FileStream _file;

    private RootLock(FileStream file) => _file = file;

    /// <summary>Takes the lock, or throws <see cref="RootInUseException"/> naming the process that holds it.</summary>
    public static RootLock Acquire(string stateDirectory)
    {
        OwnerOnly.CreateDirectory(stateDirectory);
        var path = Path.Combine(stateDirectory, FileName);
        var file = new FileStream(path, OwnerOnly.Options(FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite));
        try
        {
            if (!OperatingSystem.IsWindows() && Flock((int)file.SafeFileHandle.DangerousGetHandle(), LockExclusive | LockNonBlocking) != 0)
            {
                var holder = ReadHolder(file);
                throw new RootInUseException(Path.GetDirectoryName(stateDirectory)!, holder);
            }

            file.SetLength(0);
            var pid = System.Text.Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
            file.Write(pid);
            file.Flush();
            return new RootLock(file);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    public void Dispose() => _file.Dispose();

    private static string? ReadHolder(FileStream file)
    {
        var buffer = new byte[32];
        var read = RandomAccess.Read(file.SafeFileHandle, buffer, 0);
        var text = System.Text.Encoding.ASCII.GetString(buffer, 0, read).Trim();
        return text.Length > 0 && text.All(char.IsAsciiDigit) ? text : null;
    }

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int Flock(int fd, int operation);
}

