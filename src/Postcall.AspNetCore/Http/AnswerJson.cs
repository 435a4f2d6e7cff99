using System.Text.Json.Serialization;
using Postcall.ElevenLabs;
using Postcall.Generic;

namespace Postcall.Http;

/// <summary>
/// Serialization code generated at build time for the answers every start and every delivery gives: health, a stored
/// delivery, an error. Without it, the first of each builds its serializer by reflection while the caller waits.
/// Every other type falls through to reflection as before (the service puts this first).
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(HealthEndpoints.Health))]
[JsonSerializable(typeof(SuccessEnvelope<PostCallStored>))]
[JsonSerializable(typeof(ErrorEnvelope))]
internal sealed partial class AnswerJson : JsonSerializerContext;
