using Postcall.ElevenLabs;
using Postcall.Http;
using Postcall.Storage;

namespace Postcall.Receiving;

/// <summary>
/// Decides what a verified JSON delivery is: ElevenLabs' envelope (<c>type</c> + <c>data.conversation_id</c>), with a
/// known type or one added later (see <see cref="PayloadKind.TryOther"/>), or the earlier service's flat form
/// (<c>transcript</c> or <c>error_code</c> + <c>conversation_id</c>).
/// </summary>
internal static class PostCallClassifier
{
    public const string TranscriptionType = "post_call_transcription";
    public const string AudioType = "post_call_audio";
    public const string FailureType = "call_initiation_failure";

    /// <summary>The <c>type</c> ElevenLabs gives a payload of <paramref name="kind"/>: the inverse of classifying it.</summary>
    public static string TypeOf(PayloadKind kind) =>
        kind == PayloadKind.Transcription ? TranscriptionType
        : kind == PayloadKind.Audio ? AudioType
        : kind == PayloadKind.Failure ? FailureType
        : kind.Name;

    public static (PayloadKind Kind, ConversationId Id)? Classify(PostCallFields fields, bool validJson, out Rejection? rejection)
    {
        ArgumentNullException.ThrowIfNull(fields);
        rejection = Check(fields, validJson, out var kind, out var id);
        return rejection is null ? (kind, id) : null;
    }

    private static Rejection? Check(PostCallFields fields, bool validJson, out PayloadKind kind, out ConversationId id)
    {
        kind = default;
        id = default;
        if (!validJson)
        {
            return Rejection.BadRequest(ErrorCodes.InvalidJson, "The body is not valid JSON.");
        }

        if (!fields.RootIsObject)
        {
            return Rejection.BadRequest(ErrorCodes.InvalidPayload, "The body must be a JSON object.");
        }

        if (fields.TypeRepeated)
        {
            return Rejection.BadRequest(ErrorCodes.InvalidPayload, "The body has more than one top-level 'type'.");
        }

        StringField conversationId;
        if (fields.Type.Kind != FieldKind.Absent)
        {
            PayloadKind? typed = fields.Type.Value switch
            {
                TranscriptionType => PayloadKind.Transcription,
                AudioType => PayloadKind.Audio,
                FailureType => PayloadKind.Failure,
                // A type ElevenLabs added after this version: kept as received, never refused for being new.
                var other when PayloadKind.TryOther(other, out var otherKind) => otherKind,
                _ => null,
            };
            if (typed is null)
            {
                return Rejection.BadRequest(ErrorCodes.UnknownWebhookType,
                    $"Unknown webhook type; expected {TranscriptionType}, {AudioType}, {FailureType}, or a newer event type of "
                    + $"1 to {PayloadKind.MaxEventTypeLength} lowercase letters, digits and '_' other than transcription, audio and failure.");
            }

            kind = typed.Value;
            conversationId = fields.DataConversationId;
        }
        else if (fields.HasTranscript || fields.HasErrorCode)
        {
            kind = fields.HasTranscript ? PayloadKind.Transcription : PayloadKind.Failure;
            conversationId = fields.FlatConversationId;
        }
        else
        {
            return Rejection.BadRequest(ErrorCodes.UnknownWebhookType,
                "Cannot tell the webhook type: the body has no 'type', 'transcript' or 'error_code'.");
        }

        return CheckConversationId(conversationId, out id) ?? (kind == PayloadKind.Audio ? CheckAudio(fields.Audio) : null);
    }

    public static Rejection? CheckConversationId(StringField value, out ConversationId id)
    {
        id = default;
        if (value.Kind == FieldKind.Absent || (value.Kind == FieldKind.JsonString && value.Value is { Length: 0 }))
        {
            return Rejection.BadRequest(ErrorCodes.MissingConversationId, "conversation_id is missing or empty.");
        }

        return value.Kind == FieldKind.JsonString && ConversationId.TryParse(value.Value, out id)
            ? null
            : Rejection.BadRequest(ErrorCodes.InvalidConversationId,
                "conversation_id must be 1 to 128 letters, digits, '_' or '-', starting with a letter or digit.");
    }

    private static Rejection? CheckAudio(AudioField audio) => audio switch
    {
        AudioField.Decoded => null,
        AudioField.Absent or AudioField.Null => Rejection.BadRequest(ErrorCodes.MissingAudio, "data.full_audio is missing."),
        AudioField.Empty => Rejection.BadRequest(ErrorCodes.InvalidAudio, "data.full_audio is empty."),
        _ => Rejection.BadRequest(ErrorCodes.InvalidAudio, "data.full_audio is not valid base64."),
    };
}
