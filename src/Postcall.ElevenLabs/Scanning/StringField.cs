namespace Postcall.ElevenLabs;

/// <summary>A field that should be a JSON string. A string too long to keep, or not decodable, has a null value.</summary>
internal readonly record struct StringField(FieldKind Kind, string? Value)
{
    public static StringField Absent => default;

    public static StringField Other => new(FieldKind.Other, null);
}
