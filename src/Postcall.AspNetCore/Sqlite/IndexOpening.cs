namespace Postcall.Sqlite;

internal enum IndexOpening
{
    /// <summary>An existing, healthy index.</summary>
    Opened,

    /// <summary>There was none; an empty one was made.</summary>
    Created,

    /// <summary>The file was corrupt or of another version; it was replaced by an empty one.</summary>
    Rebuilt,
}
