namespace Postcall.Storage;

/// <param name="Payload">The payload as now stored: its kind, size, write time and version.</param>
/// <param name="DisplayPath">Where it was stored as the old service reported it: under the root as configured, or an s3:// URL.</param>
/// <param name="Duplicate">The same bytes were already stored; nothing was rewritten.</param>
internal sealed record StoredPayload(PayloadObject Payload, string DisplayPath, bool Duplicate)
{
    public long Size => Payload.Length;
}
