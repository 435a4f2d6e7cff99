namespace Postcall.Storage;

/// <param name="Path">Absolute path of the payload file.</param>
/// <param name="DisplayPath">The path as the old service reported it: under the root as configured.</param>
/// <param name="Size">Bytes in the payload file.</param>
/// <param name="Duplicate">The same bytes were already stored; the file was left untouched.</param>
public sealed record StoredPayload(string Path, string DisplayPath, long Size, bool Duplicate);
