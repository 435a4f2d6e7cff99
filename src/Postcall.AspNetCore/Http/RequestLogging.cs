using System.Diagnostics;

namespace Postcall.Http;

/// <summary>One structured line per request: id, route, status, webhook type, conversation, bytes, outcome, time.</summary>
internal static partial class RequestLogging
{
    public static IApplicationBuilder UseRequestLogging(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var logger = app.ApplicationServices.GetRequiredService<ILoggerFactory>().CreateLogger("Postcall.Requests");
        return app.Use(async (context, next) =>
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await next(context);
            }
            finally
            {
                Log(logger, context, Stopwatch.GetElapsedTime(started));
            }
        });
    }

    private static void Log(ILogger logger, HttpContext context, TimeSpan elapsed)
    {
        if (!logger.IsEnabled(LogLevel.Information))
        {
            return;
        }

        var outcome = context.Outcome();
        var requestId = context.RequestId();
        // The method, path and webhook type come from the client: neutralised and bounded before they reach the log.
        var method = LogText.Neutralize(context.Request.Method, 16)!;
        var path = LogText.Neutralize(context.Request.Path.Value ?? "/")!;
        var webhookType = LogText.Neutralize(outcome.WebhookType, 64);
        var status = context.RequestAborted.IsCancellationRequested ? 499 : context.Response.StatusCode;
        var result = outcome.Result ?? (status < 400 ? "ok" : "error");
        Completed(logger, requestId, method, path, status, webhookType, outcome.ConversationId, outcome.BodyBytes, result, elapsed.TotalMilliseconds);
    }

    [LoggerMessage(EventId = 1000, EventName = "RequestCompleted", Level = LogLevel.Information,
        Message = "{RequestId} {Method} {Path} -> {StatusCode} webhook_type={WebhookType} conversation_id={ConversationId} bytes={BodyBytes} outcome={Outcome} in {ElapsedMs:F1} ms")]
    private static partial void Completed(ILogger logger, string requestId, string method, string path, int statusCode,
        string? webhookType, string? conversationId, long? bodyBytes, string outcome, double elapsedMs);
}
