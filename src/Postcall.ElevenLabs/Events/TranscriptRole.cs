using System.Text.Json.Serialization;

namespace Postcall.ElevenLabs;

/// <summary>Who spoke a turn of the transcript (<c>role</c>). String-backed: a role added later is kept as it came.</summary>
/// <param name="Value">The value as ElevenLabs sent it.</param>
[JsonConverter(typeof(TranscriptRoleConverter))]
public readonly record struct TranscriptRole(string Value)
{
    /// <summary>The caller.</summary>
    public static TranscriptRole User { get; } = new("user");

    /// <summary>The voice agent.</summary>
    public static TranscriptRole Agent { get; } = new("agent");

    /// <summary>The value as ElevenLabs sent it.</summary>
    public override string ToString() => Value;
}
