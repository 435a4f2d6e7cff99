using Microsoft.AspNetCore.Diagnostics;

namespace Postcall.Http;

/// <summary>
/// Every error the service or the framework produces leaves as the error envelope: no HTML, no problem details,
/// never a stack trace.
/// </summary>
internal static partial class ErrorHandling
{
    public static IApplicationBuilder UseErrorEnvelopes(this IApplicationBuilder app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = WriteExceptionAsync });
        app.UseStatusCodePages(context => WriteStatusAsync(context.HttpContext));
        return app;
    }

    private static Task WriteStatusAsync(HttpContext context)
    {
        var (code, message) = ErrorCodes.ForStatus(context.Response.StatusCode);
        return WriteAsync(context, context.Response.StatusCode, code, message);
    }

    private static Task WriteExceptionAsync(HttpContext context)
    {
        var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var status = error is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError;
        if (status >= 500)
        {
            var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Postcall.Errors");
            Unhandled(logger, context.RequestId(), error?.GetType().Name ?? "unknown");
        }

        var (code, message) = ErrorCodes.ForStatus(status);
        return WriteAsync(context, status, code, message);
    }

    private static Task WriteAsync(HttpContext context, int status, string code, string message)
    {
        context.Response.StatusCode = status;
        context.Outcome().Result ??= code;
        return context.Response.WriteAsJsonAsync(new ErrorEnvelope(message, code, context.RequestId()), AnswerJson.SerializerOptions);
    }

    // The exception itself is logged by the framework's handler middleware; this names the request it broke.
    [LoggerMessage(EventId = 1001, EventName = "UnhandledError", Level = LogLevel.Error, Message = "{RequestId} failed with {ExceptionType}")]
    private static partial void Unhandled(ILogger logger, string requestId, string exceptionType);
}
