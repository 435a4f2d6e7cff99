using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Postcall.Bench;

/// <summary>
/// The anchor Postcall's ingest is compared with: the handler people write instead of a durable receiver. The whole
/// body in memory, its ElevenLabs HMAC checked, one write of it to a file, no fsync, 200.
/// </summary>
internal static class AnchorRun
{
    public static async Task<int> RunAsync(int port, string secret, string directory)
    {
        Directory.CreateDirectory(directory);
        var key = Encoding.UTF8.GetBytes(secret);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        app.MapPost("/{**path}", async (HttpContext context) =>
        {
            using var memory = new MemoryStream();
            await context.Request.Body.CopyToAsync(memory, context.RequestAborted);
            var body = memory.ToArray();
            var header = context.Request.Headers["elevenlabs-signature"].ToString();
            var parts = header.Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1]);
            if (!parts.TryGetValue("t", out var t) || !parts.TryGetValue("v0", out var v0))
            {
                return Results.StatusCode(401);
            }

            var expected = Convert.ToHexStringLower(HMACSHA256.HashData(key, (byte[])[.. Encoding.UTF8.GetBytes(t + "."), .. body]));
            if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(v0)))
            {
                return Results.StatusCode(401);
            }

            await File.WriteAllBytesAsync(Path.Combine(directory, Guid.NewGuid().ToString("N") + ".json"), body, context.RequestAborted);
            return Results.Ok();
        });
        await app.RunAsync();
        return 0;
    }
}
