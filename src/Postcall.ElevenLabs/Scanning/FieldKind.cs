namespace Postcall.ElevenLabs;

internal enum FieldKind
{
    Absent,
    JsonString,
    Other,
}
