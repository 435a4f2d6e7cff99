using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Postcall.Bench;

/// <summary>
/// A fast local destination for the forwarding phase: answers every POST 200 at once, after reading its body, and
/// counts requests and distinct webhook-ids; <c>GET /stats</c> prints them as key=value lines.
/// </summary>
internal static class ReceiverRun
{
    public static async Task<int> RunAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var ids = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        long received = 0;
        app.MapGet("/stats", () => FormattableString.Invariant($"receiver_requests={Interlocked.Read(ref received)}\nreceiver_distinct={ids.Count}\n"));
        app.MapPost("/{**path}", async (HttpContext context) =>
        {
            await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
            ids.TryAdd(context.Request.Headers["webhook-id"].ToString(), true);
            Interlocked.Increment(ref received);
            return Results.Ok();
        });
        await app.RunAsync();
        return 0;
    }
}
