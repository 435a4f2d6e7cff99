namespace Postcall.Conversations;

/// <summary>
/// Where to fetch the stored payloads; the audio link carries a short-lived access token for media players.
/// <see cref="Other"/> has a raw link per event type this version does not know, by event type.
/// </summary>
internal sealed record ConversationLinks(string Self, string? Audio, string? Transcription, string? Failure, IReadOnlyDictionary<string, string> Other);
