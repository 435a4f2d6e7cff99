using System.Diagnostics.CodeAnalysis;

namespace Postcall.Storage;

/// <summary>
/// What a payload file in a conversation's folder holds: one of the three documents ElevenLabs sends today
/// (<c>&lt;cid&gt;_transcription.json</c>, <c>&lt;cid&gt;_audio.mp3</c>, <c>&lt;cid&gt;_failure.json</c>), or an event
/// type it added later that this version does not know, kept as received in <c>&lt;cid&gt;_&lt;type&gt;.json</c>.
/// </summary>
internal readonly record struct PayloadKind
{
    /// <summary>The longest event type kept under its own name.</summary>
    public const int MaxEventTypeLength = 64;

    private const string JsonExtension = ".json";

    private PayloadKind(string name, string extension, bool isOther)
    {
        Name = name;
        Extension = extension;
        IsOther = isOther;
    }

    public static PayloadKind Transcription { get; } = new("transcription", JsonExtension, false);

    public static PayloadKind Audio { get; } = new("audio", ".mp3", false);

    public static PayloadKind Failure { get; } = new("failure", JsonExtension, false);

    /// <summary>The three kinds ElevenLabs sends today.</summary>
    public static IReadOnlyList<PayloadKind> Known { get; } = [Transcription, Audio, Failure];

    /// <summary>The order payloads are listed in: the known kinds as in <see cref="Known"/>, then other event types by name.</summary>
    public static IReadOnlyList<T> InOrder<T>(IEnumerable<T> items, Func<T, PayloadKind> kindOf)
    {
        var all = items.ToList();
        return [.. Known.SelectMany(known => all.Where(i => kindOf(i) == known)),
            .. all.Where(i => kindOf(i).IsOther).OrderBy(i => kindOf(i).Name, StringComparer.Ordinal)];
    }

    /// <summary><c>transcription</c>, <c>audio</c>, <c>failure</c>, or the event type itself.</summary>
    public string Name { get; }

    public string Extension { get; }

    /// <summary>An event type this version does not know.</summary>
    public bool IsOther { get; }

    /// <summary>The <c>webhook_type</c> in answers, logs and metrics: the kind's name, or <c>other</c>.</summary>
    public string WireName => IsOther ? "other" : Name;

    /// <summary>
    /// An event type this version does not know, as a kind: <c>^[a-z][a-z0-9_]{0,63}$</c> and not the name of a known
    /// kind, so its file can never take the place of a transcription, a recording or a failure.
    /// </summary>
    public static bool TryOther([NotNullWhen(true)] string? eventType, out PayloadKind kind)
    {
        kind = default;
        if (string.IsNullOrEmpty(eventType) || eventType.Length > MaxEventTypeLength || !char.IsAsciiLetterLower(eventType[0])
            || !eventType.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_')
            || Known.Any(k => k.Name == eventType))
        {
            return false;
        }

        kind = new PayloadKind(eventType, JsonExtension, true);
        return true;
    }

    /// <summary>A known kind by its name (<c>transcription</c>, <c>audio</c>, <c>failure</c>), else an event type.</summary>
    public static bool TryParse([NotNullWhen(true)] string? name, out PayloadKind kind)
    {
        foreach (var known in Known)
        {
            if (known.Name == name)
            {
                kind = known;
                return true;
            }
        }

        return TryOther(name, out kind);
    }

    /// <summary><c>&lt;cid&gt;_&lt;name&gt;&lt;extension&gt;</c>.</summary>
    public string FileName(ConversationId id) => $"{id}_{Name}{Extension}";

    /// <summary>The kind a file in <paramref name="id"/>'s folder holds, judged by its name alone.</summary>
    public static bool TryFromFileName(ConversationId id, string fileName, out PayloadKind kind)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        kind = default;
        var prefix = id.Value + "_";
        if (!fileName.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = fileName[prefix.Length..];
        foreach (var known in Known)
        {
            if (rest == known.Name + known.Extension)
            {
                kind = known;
                return true;
            }
        }

        return rest.EndsWith(JsonExtension, StringComparison.Ordinal) && TryOther(rest[..^JsonExtension.Length], out kind);
    }

    public override string ToString() => Name;
}
