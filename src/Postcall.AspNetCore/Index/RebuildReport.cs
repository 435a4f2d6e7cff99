namespace Postcall.Index;

/// <param name="Conversations">How many the store holds.</param>
/// <param name="Refreshed">How many were re-read into the index.</param>
/// <param name="Removed">Entries dropped because the store no longer holds them.</param>
/// <param name="Unreadable">Conversations whose payloads could not be read; their entries were left as they were.</param>
internal sealed record RebuildReport(int Conversations, int Refreshed, int Removed, IReadOnlyList<string> Unreadable);
