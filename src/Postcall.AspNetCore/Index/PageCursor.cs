using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Postcall.Index;

/// <summary>A position in newest-first order: start time, then conversation id, both descending.</summary>
internal readonly record struct PageCursor(long StartedAt, string ConversationId)
{
    public string Encode() => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(
        string.Create(CultureInfo.InvariantCulture, $"{StartedAt}|{ConversationId}")));

    public static bool TryDecode(string? text, out PageCursor cursor)
    {
        cursor = default;
        if (string.IsNullOrEmpty(text) || text.Length > 512 || !Base64Url.IsValid(text))
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[Base64Url.GetMaxDecodedLength(text.Length)];
        if (!Base64Url.TryDecodeFromChars(text, bytes, out var written))
        {
            return false;
        }

        string decoded;
        try
        {
            decoded = new UTF8Encoding(false, true).GetString(bytes[..written]);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        var bar = decoded.IndexOf('|', StringComparison.Ordinal);
        if (bar <= 0 || !long.TryParse(decoded.AsSpan(0, bar), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var startedAt)
            || !Storage.ConversationId.TryParse(decoded[(bar + 1)..], out var id))
        {
            return false;
        }

        cursor = new PageCursor(startedAt, id.Value);
        return true;
    }
}
