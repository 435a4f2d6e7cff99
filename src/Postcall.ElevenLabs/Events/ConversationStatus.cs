using System.Text.Json.Serialization;

namespace Postcall.ElevenLabs;

/// <summary>
/// Where a conversation stands (<c>status</c>). String-backed: a value ElevenLabs adds later is kept as it came, so
/// compare with the known values rather than switch on an exhaustive set.
/// </summary>
/// <param name="Value">The value as ElevenLabs sent it.</param>
[JsonConverter(typeof(ConversationStatusConverter))]
public readonly record struct ConversationStatus(string Value)
{
    /// <summary>The call was set up and has not started.</summary>
    public static ConversationStatus Initiated { get; } = new("initiated");

    /// <summary>The call is going on.</summary>
    public static ConversationStatus InProgress { get; } = new("in-progress");

    /// <summary>The call ended and its analysis is being made.</summary>
    public static ConversationStatus Processing { get; } = new("processing");

    /// <summary>The call ended and everything about it is final.</summary>
    public static ConversationStatus Done { get; } = new("done");

    /// <summary>The call failed.</summary>
    public static ConversationStatus Failed { get; } = new("failed");

    /// <summary>Whether nothing more will change: <see cref="Done"/> or <see cref="Failed"/>.</summary>
    public bool IsFinal => this == Done || this == Failed;

    /// <summary>The value as ElevenLabs sent it.</summary>
    public override string ToString() => Value;
}
