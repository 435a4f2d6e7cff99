using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Postcall.Http;
using Postcall.Receiving;

namespace Postcall.GenericWebhooks;

/// <summary><c>POST /webhook</c> and <c>POST /echo</c>, kept from the earlier service for its users' tests.</summary>
internal static class GenericEndpoints
{
    // These bodies are small by nature; the large-body limit is for post-call audio only.
    private const int MaxBodyBytes = 1024 * 1024;

    public sealed record ProcessedWebhook(bool Processed, string EventType);

    public static RouteGroupBuilder MapGenericWebhooks(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("").WithTags("Generic webhooks").AllowCrossOrigin();
        // Cast: a handler taking only HttpContext would otherwise bind as a RequestDelegate and drop its result.
        group.MapPost("/webhook", (Delegate)ProcessAsync)
            .WithName("ReceiveGenericWebhook")
            .WithSummary("Receive a generic webhook")
            .Accepts<GenericPayload>("application/json")
            .ProducesErrors(400, 413, 415);
        group.MapPost("/echo", EchoAsync)
            .WithName("Echo")
            .WithSummary("Echo a payload back, with timestamp filled in")
            .Accepts<GenericPayload>("application/json")
            .ProducesErrors(400, 413, 415);
        return group;
    }

    private static async Task<Results<Answer<SuccessEnvelope<ProcessedWebhook>>, JsonHttpResult<ErrorEnvelope>>> ProcessAsync(HttpContext context)
    {
        var (payload, rejection) = await ReadAsync(context);
        if (payload is null)
        {
            return ApiResults.Error(context, rejection!.StatusCode, rejection.ErrorCode, rejection.Message);
        }

        context.Outcome().WebhookType = payload.EventType;
        return ApiResults.Success(context, $"Payload of type '{payload.EventType}' processed successfully", new ProcessedWebhook(true, payload.EventType));
    }

    private static async Task<Results<Answer<SuccessEnvelope<GenericPayload>>, JsonHttpResult<ErrorEnvelope>>> EchoAsync(HttpContext context, TimeProvider time)
    {
        var (payload, rejection) = await ReadAsync(context);
        if (payload is null)
        {
            return ApiResults.Error(context, rejection!.StatusCode, rejection.ErrorCode, rejection.Message);
        }

        return ApiResults.Success(context, "Echo received", payload with { Timestamp = payload.Timestamp ?? time.GetUtcNow() });
    }

    private static async Task<(GenericPayload? Payload, Rejection? Rejection)> ReadAsync(HttpContext context)
    {
        var request = context.Request;
        if (!string.IsNullOrEmpty(request.ContentType) && !request.HasJsonContentType())
        {
            return (null, new Rejection(StatusCodes.Status415UnsupportedMediaType, ErrorCodes.UnsupportedMediaType, "Send application/json."));
        }

        if (request.ContentLength > MaxBodyBytes)
        {
            return (null, new Rejection(StatusCodes.Status413PayloadTooLarge, ErrorCodes.PayloadTooLarge, $"The body is larger than {MaxBodyBytes} bytes."));
        }

        var body = ArrayPool<byte>.Shared.Rent(MaxBodyBytes + 1);
        try
        {
            var length = await request.Body.ReadAtLeastAsync(body.AsMemory(0, MaxBodyBytes + 1), MaxBodyBytes + 1, throwOnEndOfStream: false, context.RequestAborted);
            context.Outcome().BodyBytes = length;
            if (length > MaxBodyBytes)
            {
                return (null, new Rejection(StatusCodes.Status413PayloadTooLarge, ErrorCodes.PayloadTooLarge, $"The body is larger than {MaxBodyBytes} bytes."));
            }

            using var document = JsonDocument.Parse(body.AsMemory(0, length));
            var payload = GenericPayload.Parse(document.RootElement, out var rejection);
            return (payload, rejection);
        }
        catch (JsonException)
        {
            return (null, Rejection.BadRequest(ErrorCodes.InvalidJson, "The body is not valid JSON."));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(body);
        }
    }
}
