namespace Postcall.Storage;

/// <summary>One stored payload as the store lists it.</summary>
/// <param name="Version">Changes whenever the bytes may have: a write time for files, the ETag for objects.</param>
internal sealed record PayloadObject(PayloadKind Kind, long Length, DateTimeOffset LastModified, string Version);
