using System.Runtime.InteropServices;

namespace Postcall.Tunnel;

/// <summary>SIGTERM, which .NET cannot send: <see cref="System.Diagnostics.Process.Kill()"/> is SIGKILL only.</summary>
internal static partial class ProcessSignals
{
    private const int SigTerm = 15;

    public static bool Terminate(int pid) => !OperatingSystem.IsWindows() && Kill(pid, SigTerm) == 0;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
