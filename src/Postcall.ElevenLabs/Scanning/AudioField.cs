namespace Postcall.ElevenLabs;

internal enum AudioField
{
    Absent,
    Null,
    NotAString,
    Decoded,
    Empty,
    InvalidBase64,
}
