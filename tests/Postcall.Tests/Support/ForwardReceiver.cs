using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Postcall.Tests.Support;

/// <summary>
/// A real HTTP receiver on Kestrel at 127.0.0.1, standing in for a team's backend: it keeps what each request carried
/// (headers, a hash of the body, small bodies whole, large ones in a file) and answers as the test says.
/// </summary>
public sealed class ForwardReceiver : IAsyncDisposable
{
    private const int KeptInMemory = 4 * 1024 * 1024;
    private readonly WebApplication _app;
    private readonly string _spill = Directory.CreateTempSubdirectory("postcall-receiver-").FullName;
    private readonly ConcurrentDictionary<string, int> _seen = new(StringComparer.Ordinal);

    private ForwardReceiver(WebApplication app)
    {
        _app = app;
        BaseAddress = new Uri(app.Urls.Single());
    }

    public Uri BaseAddress { get; }

    public Uri Url => new(BaseAddress, "/hook");

    public ConcurrentQueue<Received> Requests { get; } = new();

    /// <summary>The answer to a request, given it and how many times its webhook-id has now been seen (1 the first time).</summary>
    public Func<Received, int, Answer> Respond { get; set; } = (_, _) => Answer.Ok;

    public sealed record Answer(int Status, string Body = "ok", string? RetryAfter = null, string? Location = null, TimeSpan Delay = default)
    {
        public static Answer Ok { get; } = new(200);
    }

    public sealed record Received(string Path, IReadOnlyDictionary<string, string> Headers, long Length, byte[] Sha256, byte[]? Body, string? BodyFile)
    {
        public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

        public string? WebhookId => Header("webhook-id");

        public byte[] ReadBody() => Body ?? File.ReadAllBytes(BodyFile!);
    }

    public static async Task<ForwardReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = null);
        var app = builder.Build();
        ForwardReceiver? receiver = null;
        app.Run(context => receiver!.HandleAsync(context));
        await app.StartAsync();
        receiver = new ForwardReceiver(app);
        return receiver;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var memory = new MemoryStream();
        string? file = null;
        Stream sink = memory;
        var buffer = new byte[64 * 1024];
        long length = 0;
        int read;
        while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            length += read;
            if (file is null && memory.Length + read > KeptInMemory)
            {
                file = Path.Combine(_spill, Guid.NewGuid().ToString("N"));
                var spilled = File.Create(file);
                memory.Position = 0;
                await memory.CopyToAsync(spilled, context.RequestAborted);
                sink = spilled;
            }

            await sink.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted);
        }

        if (file is not null)
        {
            await sink.DisposeAsync();
        }

        var received = new Received(context.Request.Path, headers, length, hash.GetHashAndReset(), file is null ? memory.ToArray() : null, file);
        var count = received.WebhookId is { } id ? _seen.AddOrUpdate(id, 1, (_, n) => n + 1) : 1;
        Requests.Enqueue(received);
        var answer = Respond(received, count);
        if (answer.Delay > TimeSpan.Zero)
        {
            await Task.Delay(answer.Delay, context.RequestAborted);
        }

        context.Response.StatusCode = answer.Status;
        if (answer.RetryAfter is not null)
        {
            context.Response.Headers.RetryAfter = answer.RetryAfter;
        }

        if (answer.Location is not null)
        {
            context.Response.Headers.Location = answer.Location;
        }

        await context.Response.WriteAsync(answer.Body, context.RequestAborted);
    }

    /// <summary>Waits until <paramref name="count"/> requests match; returns them.</summary>
    public async Task<IReadOnlyList<Received>> WaitForAsync(Func<Received, bool> match, int count = 1, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var found = Requests.Where(match).ToList();
            if (found.Count >= count)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, $"expected {count} matching requests at the receiver, got {found.Count} (of {Requests.Count})");
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(_spill, recursive: true);
    }
}
