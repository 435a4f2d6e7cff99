using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Postcall.ElevenLabs;

namespace Postcall.Receiving;

/// <summary>The post-call endpoint reads its body itself, so its three accepted shapes are described here.</summary>
internal static class PostCallOpenApi
{
    public const string Description =
        "Verifies the `elevenlabs-signature` header (HMAC-SHA256 over `<t>.<raw body>`, 30 minutes tolerance) before "
        + "reading the body, then stores the payload under `<root>/<conversation_id>/`. Answers **200** on success, as "
        + "ElevenLabs requires (any other status counts as a failed delivery). Accepts ElevenLabs' envelope, the earlier "
        + "flat JSON form, and a multipart audio upload. An identical redelivery answers 200 with `duplicate: true`.";

    public static Task DescribeAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = SignatureHeader.Name,
            In = ParameterLocation.Header,
            Required = true,
            Description = "`t=<unix seconds>,v0=<lowercase hex HMAC-SHA256>`; several `v0` parts allowed.",
            Schema = String("ElevenLabs' signature header"),
        });

        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/json"] = new() { Schema = new OpenApiSchema { OneOf = [Envelope(), Flat()] } },
                ["multipart/form-data"] = new() { Schema = Multipart() },
            },
        };
        return Task.CompletedTask;
    }

    private static OpenApiSchema Envelope() => Object(
        "ElevenLabs' envelope. `post_call_audio` carries the MP3 as base64 in `data.full_audio`.",
        ["type", "data"],
        ("type", new OpenApiSchema
        {
            Type = JsonSchemaType.String,
            Enum = [PostCallClassifier.TranscriptionType, PostCallClassifier.AudioType, PostCallClassifier.FailureType],
        }),
        ("event_timestamp", new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64" }),
        ("data", Object("The call: transcript, analysis and metadata, or the audio, or the failure.", ["conversation_id"],
            ("agent_id", String("The ElevenLabs agent")),
            ("conversation_id", ConversationIdSchema()),
            ("full_audio", new OpenApiSchema { Type = JsonSchemaType.String, Format = "byte", Description = "base64 MP3 (audio only)" }))));

    private static OpenApiSchema Flat() => Object(
        "The earlier service's flat form: a body with `transcript` is a transcription, one with `error_code` a failure.",
        ["conversation_id"],
        ("conversation_id", ConversationIdSchema()),
        ("transcript", new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.Object } }),
        ("error_code", String("Why the call failed")));

    private static OpenApiSchema Multipart() => Object(
        "The earlier service's audio upload, stored as sent.",
        ["conversation_id", "audio"],
        ("conversation_id", ConversationIdSchema()),
        ("audio", new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" }));

    private static OpenApiSchema ConversationIdSchema() => new()
    {
        Type = JsonSchemaType.String,
        Pattern = "^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$",
    };

    private static OpenApiSchema String(string description) => new() { Type = JsonSchemaType.String, Description = description };

    private static OpenApiSchema Object(string description, string[] required, params (string Name, OpenApiSchema Schema)[] properties) => new()
    {
        Type = JsonSchemaType.Object,
        Description = description,
        Required = new HashSet<string>(required),
        Properties = properties.ToDictionary(p => p.Name, p => (IOpenApiSchema)p.Schema),
    };
}
