using System.Diagnostics;
using System.Net.Sockets;
using Amazon.S3;
using Npgsql;
using Postcall.Hosting;
using Postcall.Storage.S3;

[assembly: AssemblyFixture(typeof(Postcall.Tests.Support.SharedEngines))]

namespace Postcall.Tests.Support;

/// <summary>
/// A real PostgreSQL server (a throwaway cluster from the PostgreSQL binaries: initdb, pg_ctl) and a real
/// S3-compatible server (moto in server mode), started on free ports the first time a test asks for them and stopped
/// when the run ends. Each test takes a database and a bucket of its own.
/// </summary>
public sealed class SharedEngines : IAsyncDisposable
{
    public const string AccessKey = "postcall-test";
    public const string SecretKey = "postcall-test-secret";

    private readonly SemaphoreSlim _starting = new(1, 1);
    private string? _folder;
    private string? _pgBin;
    private int _pgPort;
    private Process? _s3;
    private int _s3Port;
    private int _next;

    /// <summary>The S3 endpoint, for <c>AWS_ENDPOINT_URL</c>.</summary>
    public string S3Endpoint => $"http://127.0.0.1:{_s3Port}";

    /// <summary>A new, empty database: its connection string.</summary>
    public async Task<string> CreateDatabaseAsync()
    {
        await StartAsync();
        var name = $"t{Interlocked.Increment(ref _next)}_{Guid.NewGuid():N}"[..20];
        await using (var connection = new NpgsqlConnection(ConnectionString("postgres")))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name};", connection);
            await command.ExecuteNonQueryAsync();
        }

        return ConnectionString(name);
    }

    /// <summary>A new, empty bucket: its name.</summary>
    public async Task<string> CreateBucketAsync()
    {
        await StartAsync();
        var name = $"postcall-{Interlocked.Increment(ref _next)}-{Guid.NewGuid():N}"[..30];
        using var client = S3Client();
        await client.PutBucketAsync(name);
        return name;
    }

    /// <summary>A client of the S3 server (started by then: a database or bucket was asked for).</summary>
    public IAmazonS3 S3Client() => S3ClientFactory.Create(name => S3Environment().GetValueOrDefault(name));

    /// <summary>The environment a Postcall service needs for this S3 server.</summary>
    public Dictionary<string, string> S3Environment() => new()
    {
        ["AWS_ENDPOINT_URL"] = S3Endpoint,
        ["AWS_ACCESS_KEY_ID"] = AccessKey,
        ["AWS_SECRET_ACCESS_KEY"] = SecretKey,
        ["AWS_REGION"] = "us-east-1",
    };

    /// <summary>Settings for a service in shared mode, on a new database and a new bucket.</summary>
    public async Task<Dictionary<string, string>> SharedSettingsAsync(string? prefix = null)
    {
        await StartAsync();
        var settings = S3Environment();
        settings[PostcallSettings.DatabaseUrlVariable] = await CreateDatabaseAsync();
        settings[PostcallSettings.StorageUrlVariable] = $"s3://{await CreateBucketAsync()}{(prefix is null ? string.Empty : "/" + prefix)}";
        return settings;
    }

    private string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={_pgPort};Username=postgres;Database={database};Pooling=true;Maximum Pool Size=20";

    private async Task StartAsync()
    {
        await _starting.WaitAsync();
        try
        {
            if (_folder is not null)
            {
                return;
            }

            _folder = Directory.CreateTempSubdirectory("postcall-engines-").FullName;
            await StartPostgresAsync(_folder);
            await StartS3Async();
        }
        finally
        {
            _starting.Release();
        }
    }

    private async Task StartPostgresAsync(string folder)
    {
        _pgBin = FindPostgresBinaries();
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            await RunAsync("chown", ["postgres:postgres", folder]);
        }

        await RunPgAsync(asRoot, "initdb", ["-D", Path.Combine(folder, "data"), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync", "-N"]);
        // PostgreSQL cannot be told to take any free port and say which: a port another program takes between the
        // pick and the bind fails the start, and another is picked.
        for (var attempt = 1; ; attempt++)
        {
            _pgPort = ServiceProcess.FreePort();
            try
            {
                // A throwaway cluster: what the tests check is Postcall's durability, not PostgreSQL's.
                await RunPgAsync(asRoot, "pg_ctl", ["-D", Path.Combine(folder, "data"), "-l", Path.Combine(folder, "server.log"), "-w", "-t", "60",
                    "-o", $"-c listen_addresses=127.0.0.1 -p {_pgPort} -k {folder} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300", "start"]);
                return;
            }
            catch (InvalidOperationException) when (attempt < 5 && File.ReadAllText(Path.Combine(folder, "server.log")).Contains("Address already in use", StringComparison.Ordinal))
            {
            }
        }
    }

    private async Task StartS3Async()
    {
        // moto, too, needs a port picked for it; one taken before it binds makes it exit, and another is picked.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await StartS3OnFreePortAsync();
                return;
            }
            catch (InvalidOperationException e) when (attempt < 5 && e.Message.StartsWith("moto exited", StringComparison.Ordinal))
            {
            }
        }
    }

    private async Task StartS3OnFreePortAsync()
    {
        _s3Port = ServiceProcess.FreePort();
        var python = await HasMotoAsync("python3") ? "python3" : await HasMotoAsync("/usr/bin/python3") ? "/usr/bin/python3"
            : throw new InvalidOperationException("moto is not installed for python3: pip install 'moto[server]' (or apt-get install python3-moto).");
        var info = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-m", "moto.server", "-H", "127.0.0.1", "-p", _s3Port.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            info.ArgumentList.Add(arg);
        }

        _s3 = Process.Start(info)!;
        _s3.OutputDataReceived += (_, _) => { };
        _s3.ErrorDataReceived += (_, _) => { };
        _s3.BeginOutputReadLine();
        _s3.BeginErrorReadLine();
        for (var attempt = 0; attempt < 300; attempt++)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", _s3Port);
                return;
            }
            catch (SocketException)
            {
                if (_s3.HasExited)
                {
                    throw new InvalidOperationException($"moto exited with code {_s3.ExitCode}");
                }

                await Task.Delay(100);
            }
        }

        throw new InvalidOperationException("moto did not listen within 30 s");
    }

    private static async Task<bool> HasMotoAsync(string python)
    {
        try
        {
            var (code, _) = await RunAsync(python, ["-c", "import moto.server"], check: false);
            return code == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static string FindPostgresBinaries()
    {
        var candidates = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => d, StringComparer.Ordinal).ToList()
            : [];
        return candidates.FirstOrDefault()
            ?? throw new InvalidOperationException("The PostgreSQL server binaries are not installed: apt-get install postgresql.");
    }

    private Task<(int, string)> RunPgAsync(bool asRoot, string tool, string[] args) => asRoot
        ? RunAsync("runuser", ["-u", "postgres", "--", Path.Combine(_pgBin!, tool), .. args])
        : RunAsync(Path.Combine(_pgBin!, tool), args);

    private static async Task<(int Code, string Output)> RunAsync(string file, string[] args, bool check = true)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var text = await output + await error;
        if (check && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', args.Take(3))} failed ({process.ExitCode}): {text}");
        }

        return (process.ExitCode, text);
    }

    public async ValueTask DisposeAsync()
    {
        if (_s3 is { HasExited: false })
        {
            _s3.Kill(entireProcessTree: true);
            await _s3.WaitForExitAsync();
        }

        _s3?.Dispose();
        if (_folder is not null && _pgBin is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await RunPgAsync(Environment.UserName == "root", "pg_ctl", ["-D", Path.Combine(_folder, "data"), "-m", "immediate", "-w", "stop"]).ContinueWith(_ => { }, TaskScheduler.Default);
            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        _starting.Dispose();
    }
}
