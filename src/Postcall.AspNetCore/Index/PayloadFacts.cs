using Postcall.Storage;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Postcall.Index;

/// <summary>
/// Reads the fields the index keeps from a stored transcription or failure body, in ElevenLabs' envelope
/// (<c>{"type","data":{…}}</c>) or the earlier service's flat form. Missing or odd fields are left empty:
/// a body that was good enough to store is always good enough to index.
/// </summary>
internal static class PayloadFacts
{
    /// <summary>How deep a stored body may nest before it is treated as unreadable.</summary>
    public static readonly JsonDocumentOptions Options = new() { MaxDepth = 64 };

    /// <param name="HasAudio"><c>data.has_audio</c> is <c>true</c>: ElevenLabs says a recording follows.</param>
    public sealed record Transcription(string? AgentId, string? Status, string? UserId, long? StartedAt, long? DurationSecs,
        string? CallSuccessful, string? Summary, string TranscriptText, bool HasAudio = false);

    public sealed record Failure(string? AgentId, string? Reason, long? EventTimestamp);

    public static Transcription ReadTranscription(Stream json)
    {
        using var document = Parse(json);
        return ReadTranscription(document);
    }

    public static Failure ReadFailure(Stream json)
    {
        using var document = Parse(json);
        return ReadFailure(document);
    }

    /// <summary>The indexed fields of a stored payload of <paramref name="kind"/>: a transcription's, a failure's, or none.</summary>
    public static async Task<(Transcription? Call, Failure? Failed)> ReadAsync(PayloadKind kind, Stream json, CancellationToken cancellationToken)
    {
        if (kind != PayloadKind.Transcription && kind != PayloadKind.Failure)
        {
            return (null, null);
        }

        // A local file is read where we are: on Linux an asynchronous file read is this same read, queued to another
        // pool thread and continued from there, twice per body (its bytes, then the end), for nothing gained.
        using var document = json is FileStream ? Parse(json) : await ParseAsync(json, cancellationToken);
        return kind == PayloadKind.Transcription ? (ReadTranscription(document), null) : (null, ReadFailure(document));
    }

    private static Transcription ReadTranscription(JsonDocument? document)
    {
        if (document is null)
        {
            return new Transcription(null, null, null, null, null, null, null, string.Empty);
        }

        var data = DataOf(document.RootElement);
        var metadata = Member(data, "metadata");
        var analysis = Member(data, "analysis");
        return new Transcription(
            Text(data, "agent_id"),
            Text(data, "status") ?? (Member(data, "transcript").ValueKind == JsonValueKind.Array ? "done" : null),
            Text(data, "user_id"),
            UnixTime(metadata, "start_time_unix_secs") ?? UnixTime(document.RootElement, "event_timestamp"),
            Number(metadata, "call_duration_secs"),
            Text(analysis, "call_successful"),
            Text(analysis, "transcript_summary"),
            TranscriptText(Member(data, "transcript")),
            Member(data, "has_audio").ValueKind == JsonValueKind.True);
    }

    private static Failure ReadFailure(JsonDocument? document)
    {
        if (document is null)
        {
            return new Failure(null, null, null);
        }

        var root = document.RootElement;
        var data = DataOf(root);
        return new Failure(
            Text(data, "agent_id"),
            FailureReason(data),
            UnixTime(root, "event_timestamp"));
    }

    /// <summary>Why a call never connected: ElevenLabs' <c>failure_reason</c>, or the earlier service's <c>error_code</c>.</summary>
    public static string? FailureReason(JsonElement data) => Text(data, "failure_reason") ?? Text(data, "error_code");

    /// <summary>ElevenLabs' <c>data</c> object, or the body itself for the earlier service's flat form.</summary>
    public static JsonElement DataOf(JsonElement root) =>
        Member(root, "data") is { ValueKind: JsonValueKind.Object } data ? data : root;

    public static JsonElement Member(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value : default;

    public static string? Text(JsonElement element, string name) => Member(element, name) switch
    {
        { ValueKind: JsonValueKind.String } s when s.GetString() is { Length: > 0 } text => text,
        { ValueKind: JsonValueKind.Number } n => n.GetRawText(),
        _ => null,
    };

    public static long? Number(JsonElement element, string name) => Member(element, name) switch
    {
        { ValueKind: JsonValueKind.Number } n when n.TryGetInt64(out var whole) => whole,
        { ValueKind: JsonValueKind.Number } n when n.TryGetDouble(out var real) && Math.Abs(real) < long.MaxValue => (long)real,
        { ValueKind: JsonValueKind.String } s when long.TryParse(s.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => null,
    };

    /// <summary>
    /// A time in unix seconds that a calendar can hold (years 1 to 9999); anything else is left out, so one odd value
    /// in a stored payload never stops the conversation from being listed or shown.
    /// </summary>
    public static long? UnixTime(JsonElement element, string name) =>
        Number(element, name) is { } seconds && seconds >= MinUnixTime && seconds <= MaxUnixTime ? seconds : null;

    /// <summary>A JSON number as a finite double; null for anything else, including numbers past a double's range.</summary>
    public static double? Real(JsonElement element, string name) =>
        Member(element, name) is { ValueKind: JsonValueKind.Number } n && n.TryGetDouble(out var real) && double.IsFinite(real) ? real : null;

    private static readonly long MinUnixTime = DateTimeOffset.MinValue.ToUnixTimeSeconds();
    private static readonly long MaxUnixTime = DateTimeOffset.MaxValue.ToUnixTimeSeconds();

    private static string TranscriptText(JsonElement transcript)
    {
        if (transcript.ValueKind != JsonValueKind.Array)
        {
            return string.Empty;
        }

        var text = new StringBuilder();
        foreach (var turn in transcript.EnumerateArray())
        {
            if (Text(turn, "message") is { } message)
            {
                text.AppendLine(message);
            }
        }

        return text.ToString();
    }

    private static async Task<JsonDocument?> ParseAsync(Stream json, CancellationToken cancellationToken)
    {
        try
        {
            return await JsonDocument.ParseAsync(json, Options, cancellationToken);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static JsonDocument? Parse(Stream json)
    {
        try
        {
            return JsonDocument.Parse(json, Options);
        }
        catch (JsonException)
        {
            // Edited by hand since it was stored: index what the file system says, nothing more.
            return null;
        }
    }
}
