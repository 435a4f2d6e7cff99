using Embed;
using Microsoft.EntityFrameworkCore;
using Postcall.Calls;

var builder = WebApplication.CreateBuilder(args);

// The app's own database, and Postcall beside it: settings come from the app's configuration by the service's names
// (ELEVENLABS_POST_CALL_HMAC_KEY, ELEVENLABS_POST_CALL_PAYLOAD_PATH, …).
builder.Services.AddDbContext<CallsDb>(o => o.UseSqlite(builder.Configuration.GetConnectionString("Calls") ?? "Data Source=calls.db"));
builder.Services.AddPostcall();
builder.Services.AddPostCallHandler<CallRecorder>("call-recorder");
builder.Services.AddHealthChecks();

var app = builder.Build();
using (var scope = app.Services.CreateScope())
{
    await scope.ServiceProvider.GetRequiredService<CallsDb>().Database.EnsureCreatedAsync();
}

app.MapPostcall();
app.MapHealthChecks("/health");

// The earlier service's example of a custom endpoint: an ordinary route of the app, beside Postcall's.
app.MapPost("/custom-endpoint", (HttpContext context) => Results.Json(new Dictionary<string, object>
{
    ["status"] = "success",
    ["message"] = "Custom endpoint worked",
    ["request_id"] = context.TraceIdentifier,
    ["data"] = new Dictionary<string, object>(),
}));

// An endpoint of the app's own that reads stored calls through Postcall's archive, whatever the engines.
app.MapGet("/calls/{id}/summary", async (string id, ICallArchive calls, CancellationToken cancellationToken) =>
    await calls.GetAsync(id, cancellationToken) is { } call
        ? Results.Ok(new { call.Summary.ConversationId, call.Summary.Status, Summary = call.Transcription?.Data.Analysis?.TranscriptSummary })
        : Results.NotFound());

// What the handler kept, for a look in the browser.
app.MapGet("/handled-calls", async (CallsDb db, CancellationToken cancellationToken) =>
    await db.HandledCalls.OrderBy(c => c.Id).Select(c => new { c.DeliveryId, c.ConversationId, c.Kind, c.Summary, c.RecordingBytes }).ToListAsync(cancellationToken));

await app.RunAsync();
