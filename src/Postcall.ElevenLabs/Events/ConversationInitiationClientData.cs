using System.Text.Json;
using System.Text.Json.Serialization;

namespace Postcall.ElevenLabs;

/// <summary>
/// What a conversation was started with (<c>conversation_initiation_client_data</c>). Fields added later are kept in
/// <see cref="AdditionalProperties"/>.
/// </summary>
public sealed class ConversationInitiationClientData
{
    /// <summary>The dynamic variables the call was started with, by name, as they came.</summary>
    public IReadOnlyDictionary<string, JsonElement>? DynamicVariables { get; init; }

    /// <summary>The agent and voice settings overridden for this call, as they came.</summary>
    public JsonElement? ConversationConfigOverride { get; init; }

    /// <summary>Fields this version does not model, as they came.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? AdditionalProperties { get; set; }
}
