using System.Text.Json;
using System.Text.Json.Serialization;

namespace Postcall.ElevenLabs;

/// <summary>Reads and writes a string-backed enumeration as its string, keeping values this version does not know.</summary>
internal abstract class StringValueConverter<T>(Func<string, T> fromText, Func<T, string> toText) : JsonConverter<T>
{
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String
            ? fromText(reader.GetString()!)
            : throw new JsonException($"Expected a string for {typeof(T).Name}, found {reader.TokenType}.");

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(toText(value));
}

internal sealed class ConversationStatusConverter() : StringValueConverter<ConversationStatus>(v => new(v), s => s.Value);

internal sealed class TranscriptRoleConverter() : StringValueConverter<TranscriptRole>(v => new(v), r => r.Value);

internal sealed class CallSuccessConverter() : StringValueConverter<CallSuccess>(v => new(v), c => c.Value);
