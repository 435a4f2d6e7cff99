using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Postcall.Hosting;
using Postcall.Tests.Support;

namespace Postcall.Tests.Docs;

/// <summary>
/// The README's examples, pasted as a newcomer pastes them: its own code blocks, run by bash in a folder laid out like
/// the repository (the settings file, the samples), with <c>postcall</c> on the PATH as the README's alias makes it, and
/// what they print compared with what the README shows (an ellipsis there stands for anything).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed partial class ReadmeExamplesTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("postcall-readme-").FullName;

    public ReadmeExamplesTests()
    {
        File.Copy(Repository.PathOf(".env.example"), Path.Combine(_folder, ".env.example"));
        var samples = Directory.CreateDirectory(Path.Combine(_folder, "samples", "elevenlabs")).FullName;
        foreach (var sample in Directory.EnumerateFiles(Repository.PathOf("samples/elevenlabs")))
        {
            File.Copy(sample, Path.Combine(samples, Path.GetFileName(sample)));
        }

        // What `alias postcall='dotnet run --project src/Postcall --'` gives, without building it again.
        var bin = Directory.CreateDirectory(Path.Combine(_folder, "bin")).FullName;
        var wrapper = Path.Combine(bin, "postcall");
        File.WriteAllText(wrapper, $"#!/bin/sh\nexec dotnet \"{Path.Combine(AppContext.BaseDirectory, "postcall.dll")}\" \"$@\"\n");
        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static string Readme { get; } = File.ReadAllText(Repository.PathOf("README.md"));

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task The_quick_start_copies_the_settings_sets_the_secret_and_runs_and_the_test_prerequisites_come_after_it()
    {
        var quickStart = Block("sh", "cp .env.example .env");
        var lines = quickStart.Split('\n');
        Assert.StartsWith("cp .env.example .env", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("dotnet run --project src/Postcall", lines[^1], StringComparison.Ordinal);
        Assert.True(Readme.IndexOf("## Quick start", StringComparison.Ordinal) < Readme.IndexOf("chromium", StringComparison.Ordinal),
            "the test-only prerequisites come before the quick start");

        await SetUpAsInTheQuickStartAsync();
        var settings = DotEnvFile.Read(Path.Combine(_folder, ".env"));
        Assert.Equal(Fixtures.Secret, settings[PostcallSettings.HmacKeyVariable]);
        Assert.Single(File.ReadAllLines(Path.Combine(_folder, ".env")), l => l.StartsWith(PostcallSettings.HmacKeyVariable + "=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_delivery_by_hand_is_stored_by_the_service_of_the_quick_start_and_answers_what_the_readme_shows()
    {
        await SetUpAsInTheQuickStartAsync();
        var block = Block("sh", "secret=$(sed");
        Assert.DoesNotContain("dotnet run", block, StringComparison.Ordinal); // the quick start's service is already running
        using var service = StartService();
        var url = await service.UrlAsync();

        var answer = await BashAsync(block.Replace("http://localhost:8000", url.AbsoluteUri.TrimEnd('/'), StringComparison.Ordinal));

        var shown = JsonDocument.Parse(Block("json", "Transcription webhook processed and saved")).RootElement;
        var got = JsonDocument.Parse(answer).RootElement;
        Assert.Equal(shown.GetProperty("message").GetString(), got.GetProperty("message").GetString());
        Assert.Equal(shown.GetProperty("data").GetProperty("file_path").GetString(), got.GetProperty("data").GetProperty("file_path").GetString());
        Assert.True(File.Exists(Path.Combine(_folder, "payloads", "abc", "abc_transcription.json")));
    }

    [Fact]
    public async Task Postcall_send_prints_what_the_readme_shows()
    {
        await SetUpAsInTheQuickStartAsync();
        using var service = StartService();
        var url = $"{(await service.UrlAsync()).AbsoluteUri}webhook/post-call";

        AssertShown(Block("text", "200 OK  request_id="), await BashAsync($"postcall send transcription --url {url}"));
        AssertShown(Block("text", "sent 500  ok 500"), (await BashAsync($"postcall send transcription --count 500 --concurrency 32 --url {url}")).Trim());
    }

    [Fact]
    public async Task Sign_and_verify_use_files_that_exist_and_print_what_the_readme_shows()
    {
        await SetUpAsInTheQuickStartAsync();
        var block = Block("sh", "postcall verify --file");
        using var service = StartService();
        var url = await service.UrlAsync();

        // Signed now with the configured secret: stored. The sample's golden signature: genuine but stale.
        var (signed, verified) = Split(await BashAsync(block.Replace("http://localhost:8000", url.AbsoluteUri.TrimEnd('/'), StringComparison.Ordinal), allowFailure: true));
        Assert.Equal("success", JsonDocument.Parse(signed).RootElement.GetProperty("status").GetString());
        AssertShown(Block("text", "invalid: the timestamp is"), verified);

        static (string Signed, string Verified) Split(string output)
        {
            var end = output.IndexOf("}}", StringComparison.Ordinal) + 2;
            return (output[..end], output[end..].Trim());
        }
    }

    [Fact]
    public async Task Setting_a_key_as_the_readme_says_leaves_one_line_however_often_it_is_done()
    {
        await SetUpAsInTheQuickStartAsync();
        var lines = Block("sh", "POSTCALL_API_KEY=$key").Split('\n').Where(l => !l.StartsWith("dotnet run", StringComparison.Ordinal));
        var setKey = string.Join('\n', lines);

        await BashAsync(setKey);
        var output = await BashAsync(setKey);

        var env = File.ReadAllLines(Path.Combine(_folder, ".env"));
        var key = Assert.Single(env, l => l.StartsWith("POSTCALL_API_KEY", StringComparison.Ordinal))["POSTCALL_API_KEY=".Length..];
        Assert.Matches("^[0-9a-f]{64}$", key);
        Assert.Contains(key, output, StringComparison.Ordinal);
        Assert.Equal([key], PostcallSettings.Load(name => DotEnvFile.Read(Path.Combine(_folder, ".env")).GetValueOrDefault(name)).ApiKeys);
    }

    /// <summary>The quick start's block, but its last line, which runs the service: the tests start that themselves.</summary>
    private async Task SetUpAsInTheQuickStartAsync()
    {
        var lines = Block("sh", "cp .env.example .env").Split('\n');
        await BashAsync(string.Join('\n', lines[..^1]));
    }

    private ServiceProcess StartService() =>
        new(_folder, new() { ["LOG_LEVEL"] = "WARNING" }, "--urls", ServiceProcess.AnyPort);

    /// <summary>The README's first code block of <paramref name="language"/> that contains <paramref name="marker"/>.</summary>
    private static string Block(string language, string marker)
    {
        foreach (Match block in CodeBlock().Matches(Readme))
        {
            if (block.Groups["language"].Value == language && block.Groups["code"].Value.Contains(marker, StringComparison.Ordinal))
            {
                return block.Groups["code"].Value.TrimEnd('\n');
            }
        }

        throw new InvalidOperationException($"README.md has no ```{language} block with {marker}");
    }

    /// <summary>Each line the README shows, an ellipsis standing for anything, matches the line printed in its place.</summary>
    private static void AssertShown(string shown, string printed)
    {
        var expected = shown.Split('\n');
        var actual = printed.TrimEnd('\n').Split('\n');
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            var pattern = "^" + string.Join(".+", expected[i].Split('…').Select(Regex.Escape)) + "$";
            Assert.Matches(pattern, actual[i]);
        }
    }

    private async Task<string> BashAsync(string script, bool allowFailure = false)
    {
        var info = new ProcessStartInfo("bash") { WorkingDirectory = _folder, RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        info.Environment["PATH"] = $"{Path.Combine(_folder, "bin")}:{Environment.GetEnvironmentVariable("PATH")}";
        foreach (var name in new[] { PostcallSettings.HmacKeyVariable, PostcallSettings.ApiKeyVariable, PostcallSettings.PayloadPathVariable })
        {
            info.Environment.Remove(name);
        }

        using var bash = Process.Start(info)!;
        await bash.StandardInput.WriteAsync(script + "\n");
        bash.StandardInput.Close();
        var output = bash.StandardOutput.ReadToEndAsync(Cancel);
        var error = bash.StandardError.ReadToEndAsync(Cancel);
        await bash.WaitForExitAsync(Cancel);
        Assert.True(allowFailure || bash.ExitCode == 0, $"exit {bash.ExitCode}: {await error}");
        return await output;
    }

    [GeneratedRegex("```(?<language>[a-z]*)\\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();
}
