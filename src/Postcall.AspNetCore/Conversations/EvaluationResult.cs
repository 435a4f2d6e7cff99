namespace Postcall.Conversations;

internal sealed record EvaluationResult(string Id, string? Result, string? Rationale);
