using System.Text.Json;

namespace Postcall.Conversations;

/// <summary>One transcript turn. Tool calls and results are passed through as ElevenLabs sent them.</summary>
internal sealed record TranscriptTurn(string Role, string? Message, double? TimeInCallSecs, JsonElement? ToolCalls, JsonElement? ToolResults);
