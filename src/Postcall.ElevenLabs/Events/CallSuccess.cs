using System.Text.Json.Serialization;

namespace Postcall.ElevenLabs;

/// <summary>
/// The analysis' verdict on the call (<c>call_successful</c>). String-backed: a value added later is kept as it came.
/// </summary>
/// <param name="Value">The value as ElevenLabs sent it.</param>
[JsonConverter(typeof(CallSuccessConverter))]
public readonly record struct CallSuccess(string Value)
{
    /// <summary>The call reached its goal.</summary>
    public static CallSuccess Success { get; } = new("success");

    /// <summary>The call did not reach its goal.</summary>
    public static CallSuccess Failure { get; } = new("failure");

    /// <summary>The analysis could not tell.</summary>
    public static CallSuccess Unknown { get; } = new("unknown");

    /// <summary>The value as ElevenLabs sent it.</summary>
    public override string ToString() => Value;
}
