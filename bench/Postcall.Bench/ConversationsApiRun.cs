using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Postcall.Bench;

/// <summary>
/// ElevenLabs' Conversations API for bench/reconcile, on loopback: <c>--calls</c> finished calls listed newest first
/// in pages of up to 100 with a cursor, each conversation (a small document in the API's shape) and its recording
/// (<c>--audio-kb</c> of MP3 frames), every answer after <c>--latency-ms</c>. <c>GET /stats</c> prints the requests
/// it answered, by kind, as key=value lines.
/// </summary>
internal static class ConversationsApiRun
{
    public static async Task<int> RunAsync(int port, int calls, int latencyMs, int audioKb)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        long lists = 0, gets = 0, audios = 0;
        var start = DateTimeOffset.UtcNow.AddDays(-1).ToUnixTimeSeconds();
        var mp3 = new byte[audioKb * 1024];
        for (var i = 0; i < mp3.Length; i += 417)
        {
            mp3[i] = 0xFF;
            if (i + 1 < mp3.Length)
            {
                mp3[i + 1] = 0xFB;
            }
        }

        string Id(int n) => FormattableString.Invariant($"conv_bench{n:D8}");
        long Started(int n) => start + (calls - n) * 10L;
        var latency = TimeSpan.FromMilliseconds(latencyMs);

        app.MapGet("/stats", () => FormattableString.Invariant($"api_lists={Interlocked.Read(ref lists)}\napi_gets={Interlocked.Read(ref gets)}\napi_audio={Interlocked.Read(ref audios)}\n"));
        app.MapGet("/v1/convai/conversations", async (HttpContext context) =>
        {
            Interlocked.Increment(ref lists);
            await Task.Delay(latency);
            var offset = int.TryParse(context.Request.Query["cursor"], NumberStyles.None, CultureInfo.InvariantCulture, out var o) ? o : 0;
            var size = int.TryParse(context.Request.Query["page_size"], NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? Math.Clamp(s, 1, 100) : 30;
            var end = Math.Min(offset + size, calls);
            var items = Enumerable.Range(offset, end - offset).Select(n => FormattableString.Invariant(
                $$"""{"agent_id":"agent_bench","agent_name":"Bench","conversation_id":"{{Id(n)}}","start_time_unix_secs":{{Started(n)}},"call_duration_secs":60,"message_count":4,"status":"done","call_successful":"success","transcript_summary":null,"direction":null}"""));
            var more = end < calls;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(FormattableString.Invariant(
                $$"""{"conversations":[{{string.Join(',', items)}}],"next_cursor":{{(more ? $"\"{end}\"" : "null")}},"has_more":{{(more ? "true" : "false")}}}"""));
        });
        app.MapGet("/v1/convai/conversations/{id}", async (HttpContext context, string id) =>
        {
            Interlocked.Increment(ref gets);
            await Task.Delay(latency);
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync($$$"""{"agent_id":"agent_bench","conversation_id":"{{{id}}}","status":"done","has_audio":true,"has_user_audio":true,"has_response_audio":true,"transcript":[{"role":"agent","message":"Hello, how can I help?","time_in_call_secs":0},{"role":"user","message":"I would like to book an appointment for next week.","time_in_call_secs":3}],"metadata":{"start_time_unix_secs":1773152547,"call_duration_secs":60},"analysis":{"call_successful":"success","transcript_summary":"The caller booked an appointment."}}""");
        });
        app.MapGet("/v1/convai/conversations/{id}/audio", async (HttpContext context) =>
        {
            Interlocked.Increment(ref audios);
            await Task.Delay(latency);
            context.Response.ContentType = "audio/mpeg";
            await context.Response.Body.WriteAsync(mp3);
        });
        app.MapGet("/v1/workspace/webhooks", () => Results.Text("""{"webhooks":[]}""", "application/json"));
        app.MapGet("/v1/convai/settings", () => Results.Text("""{"webhooks":{"post_call_webhook_id":null}}""", "application/json"));
        await app.RunAsync();
        return 0;
    }
}
