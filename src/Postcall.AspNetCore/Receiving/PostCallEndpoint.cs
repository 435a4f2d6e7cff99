using Postcall.Http;

namespace Postcall.Receiving;

internal static class PostCallEndpoint
{
    public static RouteGroupBuilder MapPostCall(this IEndpointRouteBuilder app)
    {
        // No CORS of its own: the service allows any origin on the group it gets back; an app that embeds Postcall decides.
        var group = app.MapGroup("/webhook/post-call").WithTags("ElevenLabs post-call webhooks");
        group.MapPost("", (HttpContext context, PostCallReceiver receiver) => receiver.ReceiveAsync(context))
            .WithName("ReceivePostCallWebhook")
            .WithSummary("Receive an ElevenLabs post-call webhook")
            .WithDescription(PostCallOpenApi.Description)
            .AddOpenApiOperationTransformer(PostCallOpenApi.DescribeAsync)
            .ProducesErrors(400, 401, 413, 415, 429, 503);
        return group;
    }
}
