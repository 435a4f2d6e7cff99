using System.Text.Json;

namespace Postcall.Conversations;

internal sealed record CollectedData(string Id, JsonElement? Value, string? Rationale);
