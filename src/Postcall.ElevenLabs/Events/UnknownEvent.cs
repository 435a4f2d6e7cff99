using System.Text.Json;

namespace Postcall.ElevenLabs;

/// <summary>A webhook of a type this version does not know, kept as it came so that nothing is lost.</summary>
public sealed class UnknownEvent : PostCallEvent
{
    /// <summary>Makes the event of an unknown type.</summary>
    /// <param name="type">The webhook's <c>type</c>.</param>
    /// <param name="conversationId">The conversation it names.</param>
    /// <param name="agentId">The agent it names, if any.</param>
    /// <param name="eventTimestamp">When ElevenLabs sent it, in Unix seconds.</param>
    /// <param name="data">Its <c>data</c>, as it came.</param>
    public UnknownEvent(string type, string conversationId, string? agentId, long? eventTimestamp, JsonElement data)
        : base(type, conversationId, agentId, eventTimestamp)
    {
        Data = data;
    }

    /// <summary>Its <c>data</c>, as it came.</summary>
    public JsonElement Data { get; }
}
