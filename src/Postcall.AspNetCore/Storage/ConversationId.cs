using System.Diagnostics.CodeAnalysis;

namespace Postcall.Storage;

/// <summary>
/// A conversation id that is safe to use as a folder and file name: <c>^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$</c>.
/// Nothing else can be constructed, so no path built from one can leave the storage root.
/// </summary>
internal readonly record struct ConversationId
{
    public const int MaxLength = 128;

    private ConversationId(string value) => Value = value;

    public string Value { get; }

    public static bool TryParse([NotNullWhen(true)] string? value, out ConversationId id)
    {
        id = default;
        if (string.IsNullOrEmpty(value) || value.Length > MaxLength || !char.IsAsciiLetterOrDigit(value[0]))
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '-'))
            {
                return false;
            }
        }

        id = new ConversationId(value);
        return true;
    }

    /// <summary>An id read back from the service's own index; anything else there means the index was tampered with.</summary>
    public static ConversationId Parse(string value) =>
        TryParse(value, out var id) ? id : throw new FormatException("Not a valid conversation id.");

    public override string ToString() => Value;
}
