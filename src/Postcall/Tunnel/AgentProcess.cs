using System.Diagnostics;

namespace Postcall.Tunnel;

/// <summary>
/// Starts the agent so that it dies with us, even when we are killed with SIGKILL and no code of ours runs. On Linux,
/// util-linux's <c>setpriv --pdeathsig KILL</c> sets <c>PR_SET_PDEATHSIG</c> in the child and then execs the agent
/// (same pid, same pipes). The kernel sends that signal when the thread that forked the child ends, not the process,
/// so the child is started from a thread of its own that lives exactly as long as the agent.
/// </summary>
internal static class AgentProcess
{
    private const string SetPriv = "/usr/bin/setpriv";

    /// <param name="environment">The child's whole environment: nothing else of ours is passed on.</param>
    public static Task<Process> StartAsync(string executable, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment)
    {
        var tiedToUs = OperatingSystem.IsLinux() && File.Exists(SetPriv);
        var info = new ProcessStartInfo(tiedToUs ? SetPriv : executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (tiedToUs)
        {
            foreach (var arg in new[] { "--pdeathsig", "KILL", "--", executable })
            {
                info.ArgumentList.Add(arg);
            }
        }

        foreach (var arg in arguments)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment.Clear();
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        var started = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        var parent = new Thread(() =>
        {
            Process process;
            try
            {
                process = Process.Start(info) ?? throw new TunnelException($"Could not start {executable}.");
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                started.SetException(new TunnelException($"Could not start {executable}: {e.Message}", e));
                return;
            }
            catch (TunnelException e)
            {
                started.SetException(e);
                return;
            }

            started.SetResult(process);
            try
            {
                process.WaitForExit();
            }
            catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException)
            {
                // Disposed by its owner once it exited: this thread's work is done either way.
            }
        })
        {
            IsBackground = true,
            Name = "ngrok agent parent",
        };
        parent.Start();
        return started.Task;
    }
}
