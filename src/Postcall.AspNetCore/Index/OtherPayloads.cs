using System.Globalization;

namespace Postcall.Index;

/// <summary>A conversation's <see cref="OtherPayload"/>s, by event type, compared by content like the rest of the facts.</summary>
internal sealed class OtherPayloads(IReadOnlyList<OtherPayload> items) : IEquatable<OtherPayloads>
{
    public static OtherPayloads None { get; } = new([]);

    public IReadOnlyList<OtherPayload> Items { get; } = items;

    /// <summary><c>type:bytes;type:bytes</c>, null for none: event types are <c>[a-z0-9_]</c>, so nothing needs escaping.</summary>
    public string? Format() =>
        Items.Count == 0 ? null : string.Join(';', Items.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.EventType}:{p.Bytes}")));

    public static OtherPayloads Parse(string? text) => string.IsNullOrEmpty(text) ? None : new(
    [
        .. text.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(entry => entry.Split(':')).Where(parts => parts.Length == 2)
            .Select(parts => new OtherPayload(parts[0], long.Parse(parts[1], CultureInfo.InvariantCulture))),
    ]);

    public bool Equals(OtherPayloads? other) => other is not null && Items.SequenceEqual(other.Items);

    public override bool Equals(object? obj) => Equals(obj as OtherPayloads);

    public override int GetHashCode() => Items.Count;

    public override string ToString() => Format() ?? "none";
}
