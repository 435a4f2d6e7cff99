using System.Text.Json;
using System.Text.Json.Serialization;

namespace Postcall.ElevenLabs;

/// <summary>
/// A conversation as ElevenLabs describes it: the <c>data</c> of a <c>post_call_transcription</c> webhook, and the
/// same model its Conversations API answers with. Only the ids are required; everything else may be missing, and
/// fields added later are kept in <see cref="AdditionalProperties"/>.
/// </summary>
public sealed class Conversation
{
    /// <summary>The conversation's id (<c>conversation_id</c>).</summary>
    public required string ConversationId { get; init; }

    /// <summary>The agent that took or made the call (<c>agent_id</c>).</summary>
    public required string AgentId { get; init; }

    /// <summary>The agent's name (<c>agent_name</c>), when given.</summary>
    public string? AgentName { get; init; }

    /// <summary>Where the conversation stands.</summary>
    public ConversationStatus? Status { get; init; }

    /// <summary>The caller's id in your own system, when the call was started with one.</summary>
    public string? UserId { get; init; }

    /// <summary>The turns of the call, in order.</summary>
    public IReadOnlyList<TranscriptTurn>? Transcript { get; init; }

    /// <summary>When the call started, how long it lasted, what it cost, and more.</summary>
    public ConversationMetadata? Metadata { get; init; }

    /// <summary>ElevenLabs' analysis of the call: summary, verdict, evaluation and data collection.</summary>
    public ConversationAnalysis? Analysis { get; init; }

    /// <summary>What the call was started with: overrides and dynamic variables.</summary>
    public ConversationInitiationClientData? ConversationInitiationClientData { get; init; }

    /// <summary>Whether a recording of the call exists.</summary>
    public bool? HasAudio { get; init; }

    /// <summary>Whether a recording of the caller's side exists.</summary>
    public bool? HasUserAudio { get; init; }

    /// <summary>Whether a recording of the agent's side exists.</summary>
    public bool? HasResponseAudio { get; init; }

    /// <summary>Fields this version does not model, as they came.</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? AdditionalProperties { get; set; }
}
