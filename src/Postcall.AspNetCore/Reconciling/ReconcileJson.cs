using System.Text.Json.Serialization;

namespace Postcall.Reconciling;

/// <summary>A sweep's report as the ledger keeps it and the API answers it, serializers generated at build time.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(SweepReport))]
internal sealed partial class ReconcileJson : JsonSerializerContext;
