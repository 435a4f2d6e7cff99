using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Postcall.Access;

/// <summary>Declares the API key as a Bearer security scheme and requires it on every read API operation.</summary>
internal static class ApiKeyOpenApi
{
    public const string SchemeName = "api_key";

    public static OpenApiOptions AddApiKeyScheme(this OpenApiOptions options) => options.AddDocumentTransformer((document, _, _) =>
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[SchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "One of the keys in POSTCALL_API_KEY, as `Authorization: Bearer <key>`. "
                + "Ten failed attempts in a minute from one address are answered 429 for the rest of that minute.",
        };
        return Task.CompletedTask;
    });

    public static Task RequireKeyAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        operation.Security ??= [];
        operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, context.Document)] = [] });
        return Task.CompletedTask;
    }
}
