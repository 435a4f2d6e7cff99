namespace Postcall.Storage;

/// <summary>An open payload: a seekable read-only stream of <see cref="Length"/> bytes. Dispose it.</summary>
internal sealed record PayloadContent(Stream Stream, long Length, DateTimeOffset LastModified, string Version) : IAsyncDisposable
{
    public ValueTask DisposeAsync() => Stream.DisposeAsync();
}
