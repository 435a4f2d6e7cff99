using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Postcall.Tests.Support;

namespace Postcall.Tests.Reconciling;

/// <summary>
/// ElevenLabs' Conversations API as its documentation describes it (samples/elevenlabs/api), on loopback: the list
/// (two pages, newest first, a cursor), a conversation, its recording, the documented error objects, and the faults
/// a test asks for. A second listener is another origin, where a recording may be redirected; every request is
/// logged with whether it carried the key.
/// </summary>
public sealed class ConversationsApiStandIn : IAsyncDisposable
{
    public const string Key = "sk_standin_0123456789abcdef0123456789abcdef";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Fault>> _faults = new(StringComparer.Ordinal);

    private ConversationsApiStandIn(WebApplication app, Uri baseUrl, Uri otherOrigin)
    {
        _app = app;
        BaseUrl = baseUrl;
        OtherOrigin = otherOrigin;
    }

    public Uri BaseUrl { get; }

    /// <summary>The same server on another port: another origin.</summary>
    public Uri OtherOrigin { get; }

    /// <summary>Conversations by id, as <c>GET /v1/convai/conversations/{id}</c> answers them.</summary>
    public ConcurrentDictionary<string, string> Conversations { get; } = new(StringComparer.Ordinal);

    /// <summary>Recordings by id; a conversation without one answers 404.</summary>
    public ConcurrentDictionary<string, byte[]> Recordings { get; } = new(StringComparer.Ordinal);

    /// <summary>Recordings sent half, then held until the source completes (or the client goes away).</summary>
    public ConcurrentDictionary<string, TaskCompletionSource> StallAudio { get; } = new(StringComparer.Ordinal);

    /// <summary>Recordings answered with a redirect to <see cref="OtherOrigin"/> instead.</summary>
    public ConcurrentDictionary<string, bool> RedirectAudio { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<Request> Requests { get; } = new();

    /// <summary>The webhook the agent settings name for post-call events (the fixture's auto-disabled one by default).</summary>
    public string? PostCallWebhookId { get; set; } = "96fa5c43baf105da027e123e3e9aecd6";

    /// <summary>The key may not read webhooks or settings: 403.</summary>
    public bool WebhooksForbidden { get; set; }

    public sealed record Request(int Port, string Path, bool HadKey);

    /// <summary>What the next request to a path gets instead of its answer.</summary>
    public sealed record Fault(int Status, string Body, IReadOnlyDictionary<string, string>? Headers = null);

    public void FailNext(string path, Fault fault) => _faults.GetOrAdd(path, _ => new()).Enqueue(fault);

    /// <summary>The documented conversation, under another id.</summary>
    public static string Conversation(string id, string agentId = "agent_1901kes839x4g04z6g5cdabhxjbn")
    {
        var node = JsonNode.Parse(File.ReadAllText(Fixtures.PathOf("api/get_conversation.json")))!;
        node["conversation_id"] = id;
        node["agent_id"] = agentId;
        return node.ToJsonString();
    }

    public static async Task<ConversationsApiStandIn> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0", "http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        ConversationsApiStandIn? self = null;
        app.Use(async (context, next) =>
        {
            var path = context.Request.Path.Value ?? "";
            var hadKey = context.Request.Headers.TryGetValue("xi-api-key", out var key);
            self!.Requests.Enqueue(new Request(context.Connection.LocalPort, path, hadKey));
            if (path.StartsWith("/cdn/", StringComparison.Ordinal))
            {
                await next(context);
                return;
            }

            if (!hadKey || key != Key)
            {
                await Error(context, 401, "error_401.json");
                return;
            }

            if (self._faults.TryGetValue(path, out var queue) && queue.TryDequeue(out var fault))
            {
                foreach (var (name, value) in fault.Headers ?? new Dictionary<string, string>())
                {
                    context.Response.Headers[name] = value;
                }

                context.Response.StatusCode = fault.Status;
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(fault.Body);
                return;
            }

            await next(context);
        });
        app.MapGet("/v1/convai/conversations", (HttpContext context) =>
        {
            var cursor = context.Request.Query["cursor"].ToString();
            var first = File.ReadAllText(Fixtures.PathOf("api/list_conversations_page1.json"));
            var next = JsonNode.Parse(first)!["next_cursor"]!.GetValue<string>();
            var page = string.IsNullOrEmpty(cursor) ? first
                : cursor == next ? File.ReadAllText(Fixtures.PathOf("api/list_conversations_page2.json"))
                : null;
            return page is null ? Results.Text(File.ReadAllText(Fixtures.PathOf("api/error_404.json")), "application/json", statusCode: 400)
                : Results.Text(page, "application/json");
        });
        app.MapGet("/v1/convai/conversations/{id}", (string id) => self!.Conversations.TryGetValue(id, out var json)
            ? Results.Text(json, "application/json")
            : Results.Text(File.ReadAllText(Fixtures.PathOf("api/error_404.json")), "application/json", statusCode: 404));
        app.MapGet("/v1/convai/conversations/{id}/audio", async (HttpContext context, string id) =>
        {
            if (!self!.Recordings.TryGetValue(id, out var mp3))
            {
                await Error(context, 404, "error_404.json");
                return;
            }

            if (self.RedirectAudio.ContainsKey(id))
            {
                context.Response.Redirect(new Uri(self.OtherOrigin, $"/cdn/{id}.mp3").AbsoluteUri);
                return;
            }

            context.Response.ContentType = "audio/mpeg";
            context.Response.ContentLength = mp3.Length;
            if (self.StallAudio.TryGetValue(id, out var stall) && !stall.Task.IsCompleted)
            {
                await context.Response.Body.WriteAsync(mp3.AsMemory(0, mp3.Length / 2), context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                await stall.Task.WaitAsync(context.RequestAborted);
                await context.Response.Body.WriteAsync(mp3.AsMemory(mp3.Length / 2), context.RequestAborted);
                return;
            }

            await context.Response.Body.WriteAsync(mp3, context.RequestAborted);
        });
        app.MapGet("/v1/workspace/webhooks", (HttpContext context) => self!.WebhooksForbidden
            ? Error(context, 403, "error_401.json")
            : context.Response.WriteAsync(File.ReadAllText(Fixtures.PathOf("api/workspace_webhooks.json"))));
        app.MapGet("/v1/convai/settings", (HttpContext context) => self!.WebhooksForbidden
            ? Error(context, 403, "error_401.json")
            : context.Response.WriteAsJsonAsync(new { webhooks = new { post_call_webhook_id = self.PostCallWebhookId, events = new[] { "transcript", "audio" } }, can_use_mcp_servers = true }));
        app.MapGet("/cdn/{file}", (string file) => self!.Recordings.TryGetValue(file.Replace(".mp3", "", StringComparison.Ordinal), out var mp3)
            ? Results.Bytes(mp3, "audio/mpeg")
            : Results.NotFound());
        await app.StartAsync(TestContext.Current.CancellationToken);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a)).ToList();
        self = new ConversationsApiStandIn(app, addresses[0], addresses[1]);
        return self;
    }

    private static Task Error(HttpContext context, int status, string file)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(File.ReadAllText(Fixtures.PathOf($"api/{file}")));
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
