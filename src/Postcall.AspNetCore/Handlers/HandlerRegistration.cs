namespace Postcall.Handlers;

/// <summary>A handler this instance has, as registered.</summary>
internal sealed record HandlerRegistration(
    string Name, Type HandlerType, IReadOnlyList<string> Kinds, IReadOnlyList<string> AgentIds, TimeSpan Timeout, int Concurrency);
