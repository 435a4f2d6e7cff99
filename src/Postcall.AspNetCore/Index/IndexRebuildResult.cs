namespace Postcall.Index;

/// <param name="Location">The index, as a person would name it.</param>
/// <param name="Replaced">Why the index found was unusable and made anew; null when it was used.</param>
internal sealed record IndexRebuildResult(RebuildReport Report, string Location, string? Replaced);
