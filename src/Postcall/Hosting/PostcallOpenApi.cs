using Microsoft.OpenApi;
using Postcall.Access;

namespace Postcall.Hosting;

internal static class PostcallOpenApi
{
    public const string DocumentPath = "/openapi.json";

    public static IServiceCollection AddPostcallOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options => options.AddApiKeyScheme().AddDocumentTransformer((document, context, _) =>
        {
            var settings = context.ApplicationServices.GetRequiredService<PostcallSettings>();
            document.Info = new OpenApiInfo
            {
                Title = settings.AppName,
                Version = settings.AppVersion,
                Description = "Receives ElevenLabs post-call webhooks, verifies their HMAC signature and stores them durably. "
                    + "Every error answers `{\"status\":\"error\",\"message\",\"error_code\",\"request_id\"}`.",
            };
            return Task.CompletedTask;
        }));
}
