using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Postcall.Observability;
using Postcall.Receiving;

namespace Postcall.Http;

/// <summary>
/// Serialization code generated at build time for the answers every start and every delivery gives: health, a stored
/// delivery, an error. Without it, the first of each builds its serializer by reflection while the caller waits.
/// Every other type falls through to reflection (<see cref="SerializerOptions"/>).
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(HealthEndpoints.Health))]
[JsonSerializable(typeof(SuccessEnvelope<PostCallStored>))]
[JsonSerializable(typeof(ErrorEnvelope))]
internal sealed partial class AnswerJson : JsonSerializerContext
{
    /// <summary>
    /// What every answer of Postcall is written with, whatever the host's own JSON defaults: the web defaults with
    /// snake_case names, these generated serializers first and reflection for the rest.
    /// </summary>
    public static JsonSerializerOptions SerializerOptions { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        TypeInfoResolver = JsonTypeInfoResolver.Combine(Default, new DefaultJsonTypeInfoResolver()),
    };
}
