using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Postcall.Index;

/// <summary>A page request over the index: filters, an optional full-text query, newest first.</summary>
internal sealed record ConversationQuery
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    public string? AgentId { get; init; }

    public string? Status { get; init; }

    public string? CallSuccessful { get; init; }

    /// <summary>Inclusive bounds on <see cref="ConversationFacts.StartedAt"/>, in unix seconds.</summary>
    public long? From { get; init; }

    public long? To { get; init; }

    /// <summary>Words to find in transcripts and summaries; every word must match, the last may be a prefix.</summary>
    public string? Text { get; init; }

    /// <summary>
    /// Only calls whose transcription promised a recording that has not arrived, received before this time (unix
    /// milliseconds): see <see cref="ConversationFacts.IsAudioMissing"/>.
    /// </summary>
    public long? AudioMissingBefore { get; init; }

    public int Limit { get; init; } = DefaultLimit;

    /// <summary>Continue after this position (exclusive), as given by the previous page.</summary>
    public PageCursor? After { get; init; }
}

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

/// <summary>One page of results; <see cref="Next"/> is null on the last page.</summary>
internal sealed record ConversationPage(IReadOnlyList<IndexedConversation> Items, PageCursor? Next);

/// <summary>An index row, with a snippet of the matching transcript text when the query searched text.</summary>
internal sealed record IndexedConversation(ConversationFacts Facts, string? Snippet);
