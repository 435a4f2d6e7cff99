using System.Globalization;

namespace Postcall.Tests.Cli;

/// <summary>
/// Points NGROK_PATH at the stand-in agent (tests/FakeNgrok) through a small script that sets its mode and exec's it,
/// so the agent's pid is the one the tunnel code starts and every test has its own behaviour.
/// </summary>
internal sealed class FakeNgrokAgent : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("fake-ngrok-").FullName;

    public FakeNgrokAgent(string mode)
    {
        var build = new DirectoryInfo(AppContext.BaseDirectory);
        var agent = Path.GetFullPath(Path.Combine(build.FullName, "..", "..", "..", "..", "FakeNgrok", "bin", build.Parent!.Name, build.Name, "fake-ngrok"));
        Assert.True(File.Exists(agent), $"the stand-in agent is not built at {agent}");
        ScriptPath = Path.Combine(_folder, "ngrok");
        File.WriteAllText(ScriptPath, $"#!/bin/sh\nexport FAKE_NGROK_MODE='{mode}' FAKE_NGROK_STATE='{StateFolder}'\nexec '{agent}' \"$@\"\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(ScriptPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    public string ScriptPath { get; }

    public string StateFolder => Path.Combine(_folder, "state");

    public int? Pid => File.Exists(Path.Combine(StateFolder, "pid"))
        ? int.Parse(File.ReadAllText(Path.Combine(StateFolder, "pid")), CultureInfo.InvariantCulture)
        : null;

    public string[] Args => File.ReadAllLines(Path.Combine(StateFolder, "args"));

    /// <summary>The names of the variables in the agent's environment.</summary>
    public string[] EnvironmentNames => File.ReadAllLines(Path.Combine(StateFolder, "env"));

    /// <summary>True while the agent process (reaped or not) still exists.</summary>
    public bool IsRunning => Pid is { } pid && Directory.Exists($"/proc/{pid}") && !IsZombie(pid);

    private static bool IsZombie(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/stat").Split(' ')[2] == "Z";
        }
        catch (IOException)
        {
            return true;
        }
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
