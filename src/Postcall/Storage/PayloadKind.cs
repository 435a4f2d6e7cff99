namespace Postcall.Storage;

/// <summary>The three kinds of payload a conversation folder can hold.</summary>
public enum PayloadKind
{
    Transcription,
    Audio,
    Failure,
}

public static class PayloadKinds
{
    public static readonly IReadOnlyList<PayloadKind> All = [PayloadKind.Transcription, PayloadKind.Audio, PayloadKind.Failure];

    /// <summary>The <c>webhook_type</c> name used in responses and logs.</summary>
    public static string WireName(this PayloadKind kind) => kind switch
    {
        PayloadKind.Transcription => "transcription",
        PayloadKind.Audio => "audio",
        PayloadKind.Failure => "failure",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary><c>&lt;cid&gt;_transcription.json</c>, <c>&lt;cid&gt;_audio.mp3</c> or <c>&lt;cid&gt;_failure.json</c>.</summary>
    public static string FileName(this PayloadKind kind, ConversationId id) => kind switch
    {
        PayloadKind.Transcription => $"{id}_transcription.json",
        PayloadKind.Audio => $"{id}_audio.mp3",
        PayloadKind.Failure => $"{id}_failure.json",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
