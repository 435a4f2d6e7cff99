using System.Text.Json;
using System.Text.Json.Serialization;

namespace Postcall.ElevenLabs;

/// <summary>
/// The <c>data</c> of a <c>call_initiation_failure</c> webhook: a call that never connected. Only the ids are required;
/// fields added later are kept in <see cref="AdditionalProperties"/>.
/// </summary>
public sealed class CallInitiationFailure
{
    /// <summary>The conversation's id (<c>conversation_id</c>).</summary>
    public required string ConversationId { get; init; }

    /// <summary>The agent that was to make or take the call (<c>agent_id</c>).</summary>
    public required string AgentId { get; init; }

    /// <summary>Why it failed, in ElevenLabs' words (<c>busy</c>, <c>no-answer</c>, <c>unknown</c>, …).</summary>
    public string? FailureReason { get; init; }

    /// <summary>What the telephony provider said.</summary>
    public CallInitiationFailureMetadata? Metadata { get; init; }

    /// <summary>Fields this version does not model, as they came.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? AdditionalProperties { get; set; }
}
