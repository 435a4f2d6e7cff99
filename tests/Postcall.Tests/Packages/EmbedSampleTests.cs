using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Postcall.Tests.Support;

namespace Postcall.Tests.Packages;

/// <summary>
/// samples/embed, built as a consumer builds it: from the packages packed here (a version of this run's own, so no
/// package cached by an earlier run can stand in), run as a child process, killed outright while its handler works,
/// and started again: every call reaches its table once, and the interrupted one is tried again.
/// </summary>
[Trait("Needs", "pack")]
public sealed class EmbedSampleTests : IDisposable
{
    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("postcall-embed-");

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_sample_built_on_the_packages_handles_every_call_once_through_a_kill()
    {
        var version = $"0.1.0-sample.{DateTime.UtcNow:yyyyMMddHHmmssfff}";
        var packages = Path.Combine(_work.FullName, "packages");
        var build = Path.Combine(_work.FullName, "build");
        var sample = Path.Combine(_work.FullName, "sample");
        // Separate build folders: a test beside this one may be building the same projects.
        await Command.RunAsync("dotnet", ["pack", Repository.PathOf("src/Postcall.ElevenLabs"), "-c", "Release", "-o", packages, $"-p:Version={version}", "--artifacts-path", build]);
        await Command.RunAsync("dotnet", ["pack", Repository.PathOf("src/Postcall.AspNetCore"), "-c", "Release", "-o", packages, $"-p:Version={version}", "--artifacts-path", build]);
        await Command.RunAsync("dotnet", ["build", Repository.PathOf("samples/embed"), $"-p:PostcallVersion={version}", $"-p:PostcallPackages={packages}", "--artifacts-path", sample]);

        // It took Postcall from the packages, not from the repository's projects.
        var assets = await File.ReadAllTextAsync(Path.Combine(sample, "obj", "Embed", "project.assets.json"), Cancel);
        Assert.Contains($"\"Postcall.AspNetCore/{version}\"", assets, StringComparison.Ordinal);
        Assert.Contains($"\"Postcall.ElevenLabs/{version}\"", assets, StringComparison.Ordinal);
        Assert.DoesNotContain("\"type\": \"project\"", assets, StringComparison.Ordinal);
        // An app on files and SQLite pulls in neither engine's SDK.
        Assert.DoesNotContain("AWSSDK", assets, StringComparison.Ordinal);
        Assert.DoesNotContain("Npgsql", assets, StringComparison.Ordinal);

        var app = Path.Combine(_work.FullName, "app");
        Directory.CreateDirectory(app);
        var database = Path.Combine(app, "calls.db");
        var environment = new Dictionary<string, string>
        {
            ["ELEVENLABS_POST_CALL_HMAC_KEY"] = Fixtures.Secret,
            ["ELEVENLABS_POST_CALL_PAYLOAD_PATH"] = Path.Combine(app, "payloads"),
            ["ConnectionStrings__Calls"] = $"Data Source={database}",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        var program = Path.Combine(sample, "bin", "Embed", "debug", "Embed.dll");
        var mp3 = Fixtures.Bytes("sample_call.mp3");

        using (var first = new ServiceProcess(program, [], app, environment, "--urls", ServiceProcess.AnyPort))
        {
            using var client = await first.ClientAsync();
            await DeliverAsync(client, Deliveries.Transcription("embed-transcription"));
            await DeliverAsync(client, Deliveries.Audio("embed-audio", mp3));
            await DeliverAsync(client, Deliveries.Failure("embed-failure"));
            await DeliverAsync(client, Deliveries.Transcription("slow-embed"));

            // The slow call's handler has begun (its attempt is written) and the others are done: kill it now.
            await WaitForAsync(database, "SELECT count(*) FROM HandlerAttempts WHERE ConversationId = 'slow-embed'", n => n >= 1);
            await WaitForAsync(database, "SELECT count(*) FROM HandledCalls", n => n >= 3);

            var custom = await client.PostAsync(new Uri("/custom-endpoint", UriKind.Relative), null, Cancel);
            Assert.Equal(HttpStatusCode.OK, custom.StatusCode);
            using var envelope = JsonDocument.Parse(await custom.Content.ReadAsStringAsync(Cancel));
            Assert.Equal("success", envelope.RootElement.GetProperty("status").GetString());
            Assert.Equal("Custom endpoint worked", envelope.RootElement.GetProperty("message").GetString());
            Assert.False(string.IsNullOrEmpty(envelope.RootElement.GetProperty("request_id").GetString()));
            Assert.Equal(JsonValueKind.Object, envelope.RootElement.GetProperty("data").ValueKind);

            // The app's own endpoint reads the stored call through Postcall's archive (in the app's own JSON).
            using var summary = JsonDocument.Parse(await client.GetStringAsync(new Uri("/calls/embed-transcription/summary", UriKind.Relative), Cancel));
            Assert.Equal("embed-transcription", summary.RootElement.GetProperty("conversationId").GetString());
            Assert.Equal("done", summary.RootElement.GetProperty("status").GetString());
            using var missing = await client.GetAsync(new Uri("/calls/no-such-call/summary", UriKind.Relative), Cancel);
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

            first.Process.Kill();
            await first.Process.WaitForExitAsync(Cancel);
        }

        using (var second = new ServiceProcess(program, [], app, environment, "--urls", ServiceProcess.AnyPort))
        {
            using var client = await second.ClientAsync();
            await WaitForAsync(database, "SELECT count(*) FROM HandledCalls", n => n >= 4);
        }

        using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync(Cancel);
        var rows = await ReadAsync(connection, "SELECT DeliveryId, ConversationId, Kind, RecordingBytes FROM HandledCalls");
        Assert.Equal(4, rows.Count);
        Assert.Equal(4, rows.Select(r => r[0]).Distinct().Count());
        Assert.Equal(["embed-audio", "embed-failure", "embed-transcription", "slow-embed"], rows.Select(r => (string)r[1]!).Order(StringComparer.Ordinal));
        Assert.Equal((long)mp3.Length, Assert.Single(rows, r => (string)r[2]! == "audio")[3]);
        var attempts = await ReadAsync(connection, "SELECT count(*) FROM HandlerAttempts WHERE ConversationId = 'slow-embed'");
        Assert.True((long)attempts[0][0]! >= 2, "the interrupted call was tried once only");
    }

    private static async Task DeliverAsync(HttpClient client, string body)
    {
        using var response = await client.SendAsync(Deliveries.SignedRequest(body), Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task WaitForAsync(string database, string count, Func<long, bool> until)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            if (File.Exists(database))
            {
                using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
                await connection.OpenAsync(Cancel);
                if (until((long)(await ReadAsync(connection, count))[0][0]!))
                {
                    return;
                }
            }

            Assert.True(DateTime.UtcNow < deadline, $"never true: {count}");
            await Task.Delay(100, Cancel);
        }
    }

    private static async Task<List<object?[]>> ReadAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync(Cancel);
        var rows = new List<object?[]>();
        while (await reader.ReadAsync(Cancel))
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(row);
        }

        return rows;
    }

    public void Dispose() => _work.Delete(recursive: true);
}
