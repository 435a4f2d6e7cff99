using System.Text.Json.Serialization;

namespace Postcall.ElevenLabs;

/// <summary>
/// The models' JSON, generated at compile time: snake_case names as ElevenLabs writes them, numbers also read from
/// strings, unknown fields kept in each model's extension data.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(Conversation))]
[JsonSerializable(typeof(CallInitiationFailure))]
internal sealed partial class PostCallJson : JsonSerializerContext;
