using System.Diagnostics;
using Postcall.Tests.Support;

namespace Postcall.Tests.Packages;

/// <summary>
/// The service and its CLI as the .NET tool Postcall.Tool: packed under a version of this run's own, installed with
/// <c>dotnet tool install</c>, and run through the <c>postcall</c> command it installs, as a user would.
/// </summary>
[Trait("Needs", "pack")]
public sealed class ToolPackageTests : IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("postcall-tool-");

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_installed_postcall_command_runs_the_service_and_sends_it_a_signed_call()
    {
        var version = $"0.1.0-tool.{DateTime.UtcNow:yyyyMMddHHmmssfff}";
        var packages = Path.Combine(_work.FullName, "packages");
        var tools = Path.Combine(_work.FullName, "tools");
        await Command.RunAsync("dotnet", ["pack", Repository.PathOf("src/Postcall"), "-c", "Release", "-o", packages, $"-p:Version={version}",
            "--artifacts-path", Path.Combine(_work.FullName, "build")]);
        await Command.RunAsync("dotnet", ["tool", "install", "Postcall.Tool", "--tool-path", tools, "--add-source", packages, "--version", version]);
        var postcall = Path.Combine(tools, "postcall");

        var home = Path.Combine(_work.FullName, "home");
        Directory.CreateDirectory(home);
        var service = new ProcessStartInfo(postcall) { WorkingDirectory = home, RedirectStandardOutput = true, RedirectStandardError = true };
        service.ArgumentList.Add("--urls");
        service.ArgumentList.Add(ServiceProcess.AnyPort);
        service.Environment["ELEVENLABS_POST_CALL_HMAC_KEY"] = Fixtures.Secret;
        service.Environment.Remove("ELEVENLABS_POST_CALL_PAYLOAD_PATH");
        using var process = Process.Start(service)!;
        try
        {
            var output = new OutputLines();
            process.OutputDataReceived += (_, e) => output.Add(e.Data);
            process.BeginOutputReadLine();
            const string Marker = "Now listening on: ";
            var line = await output.WaitForAsync(l => l.Contains(Marker, StringComparison.Ordinal), TimeSpan.FromSeconds(60));
            var url = new Uri(line[(line.IndexOf(Marker, StringComparison.Ordinal) + Marker.Length)..].Trim());

            var sent = await Command.RunAsync(postcall, ["send", "transcription", "--url", new Uri(url, "/webhook/post-call").AbsoluteUri, "--conversation-id", "tool-call-1"],
                new Dictionary<string, string> { ["ELEVENLABS_POST_CALL_HMAC_KEY"] = Fixtures.Secret }, home);

            Assert.Contains("200", sent, StringComparison.Ordinal);
            // Calls are kept in ./payloads of the folder the command was run from.
            Assert.True(File.Exists(Path.Combine(home, "payloads", "tool-call-1", "tool-call-1_transcription.json")), sent);
        }
        finally
        {
            using var term = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await term.WaitForExitAsync(Cancel);
            await process.WaitForExitAsync(Cancel);
        }

        Assert.Equal(0, process.ExitCode);
    }

    public void Dispose() => _work.Delete(recursive: true);
}
