// Behaves like `ngrok http <port> --log stdout --log-format json` at the edges Postcall relies on:
// JSON log lines on stdout, a local API at /api/tunnels, ngrok's own error texts and exit codes, and an agent
// that takes its time to stop on SIGTERM. FAKE_NGROK_MODE picks the behaviour; FAKE_NGROK_STATE names a folder
// where it records its pid and arguments for the test to inspect.
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.Json;

var mode = Environment.GetEnvironmentVariable("FAKE_NGROK_MODE") ?? "ok";
var state = Environment.GetEnvironmentVariable("FAKE_NGROK_STATE");
var token = Environment.GetEnvironmentVariable("NGROK_AUTHTOKEN");
if (state is not null)
{
    Directory.CreateDirectory(state);
    File.WriteAllText(Path.Combine(state, "pid"), Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
    File.WriteAllLines(Path.Combine(state, "args"), args);
    File.WriteAllLines(Path.Combine(state, "env"), Environment.GetEnvironmentVariables().Keys.Cast<string>().Order(StringComparer.Ordinal));
}

void Log(object entry) => Console.WriteLine(JsonSerializer.Serialize(entry));
string Now() => DateTime.UtcNow.ToString("o");

if (args.Length < 2 || args[0] != "http")
{
    Console.Error.WriteLine("ERROR:  unknown command; expected: ngrok http <port>");
    return 1;
}

if (mode == "exit-early")
{
    return 3;
}

if (string.IsNullOrEmpty(token) || mode == "no-token")
{
    Log(new { lvl = "eror", msg = "failed to reconnect session", obj = "tunnels.session", err = "authentication failed: Usage of ngrok requires a verified account and authtoken.\n\nSign up for an account: https://dashboard.ngrok.com/signup\n\nERR_NGROK_4018\n", t = Now() });
    Console.Error.WriteLine("ERROR:  authentication failed: Usage of ngrok requires a verified account and authtoken.");
    Console.Error.WriteLine("ERROR:  ERR_NGROK_4018");
    return 1;
}

if (mode == "leaky")
{
    // An agent whose error quotes its configuration, token and all.
    Log(new { lvl = "eror", msg = "failed to start", obj = "config", err = $"invalid configuration: authtoken: {token} is not valid for region eu", t = Now() });
    Console.Error.WriteLine($"ERROR:  the authtoken {token} was rejected (authtoken={token})");
    return 1;
}

if (mode == "session-limit")
{
    Log(new { lvl = "eror", msg = "failed to reconnect session", obj = "tunnels.session", err = "Your account is limited to 1 simultaneous ngrok agent sessions.\n\nERR_NGROK_108\n", t = Now() });
    Console.Error.WriteLine("ERROR:  Your account is limited to 1 simultaneous ngrok agent sessions.");
    Console.Error.WriteLine("ERROR:  ERR_NGROK_108");
    return 1;
}

var stopping = new TaskCompletionSource();
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    // Like the real agent closing its session: it does not stop on the spot.
    context.Cancel = true;
    _ = Task.Delay(TimeSpan.FromSeconds(mode == "stubborn" ? 60 : 1.5)).ContinueWith(_ => stopping.TrySetResult());
});

var publicUrl = $"https://fake-{Environment.ProcessId}.ngrok-free.app";
var listener = new TcpListener(IPAddress.Loopback, 0);
listener.Start();
var web = (IPEndPoint)listener.LocalEndpoint;
_ = ServeApiAsync(listener, mode == "silent" ? "[]" : JsonSerializer.Serialize(new[]
{
    new { name = "command_line", public_url = publicUrl, proto = "https", config = new { addr = $"http://localhost:{args[1]}" } },
}));

Log(new { lvl = "info", msg = "open config file", path = "/root/.config/ngrok/ngrok.yml", err = "<nil>", t = Now() });
Log(new { lvl = "info", msg = "starting web service", obj = "web", addr = $"127.0.0.1:{web.Port}", allow_hosts = Array.Empty<string>(), t = Now() });
Log(new { lvl = "info", msg = "client session established", obj = "tunnels.session", t = Now() });
if (mode == "ok")
{
    Log(new { lvl = "info", msg = "started tunnel", obj = "tunnels", name = "command_line", addr = $"http://localhost:{args[1]}", url = publicUrl, t = Now() });
}

await stopping.Task;
return 0;

static async Task ServeApiAsync(TcpListener listener, string tunnelsJson)
{
    while (true)
    {
        using var client = await listener.AcceptTcpClientAsync();
        await using var stream = client.GetStream();
        var buffer = new byte[4096];
        var read = await stream.ReadAsync(buffer);
        var request = System.Text.Encoding.ASCII.GetString(buffer, 0, read);
        var body = request.StartsWith("GET /api/tunnels ", StringComparison.Ordinal)
            ? $"{{\"tunnels\":{tunnelsJson},\"uri\":\"/api/tunnels\"}}"
            : "{\"error_code\":100,\"status_code\":404,\"msg\":\"not found\"}";
        var status = body.StartsWith("{\"tunnels\"", StringComparison.Ordinal) ? "200 OK" : "404 Not Found";
        var response = $"HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}";
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(response));
    }
}
