using Postcall.Storage;

namespace Postcall.Cli.Send;

/// <summary>
/// One delivery about to be sent. Its body is written by <see cref="WriteBodyAsync"/>, once to sign it and once to send
/// it, so even a large recording is streamed from disk and never held in memory.
/// </summary>
internal sealed class OutgoingDelivery(PayloadKind kind, string conversationId, string contentType, Func<Stream, CancellationToken, Task> writeBody, long? length)
{
    public PayloadKind Kind { get; } = kind;

    public string ConversationId { get; } = conversationId;

    public string ContentType { get; } = contentType;

    /// <summary>Known for small bodies (sent with Content-Length); null for streamed ones (sent chunked).</summary>
    public long? Length { get; } = length;

    public Task WriteBodyAsync(Stream target, CancellationToken cancellationToken) => writeBody(target, cancellationToken);

    public static OutgoingDelivery FromBytes(PayloadKind kind, string conversationId, string contentType, byte[] body) =>
        new(kind, conversationId, contentType, (target, ct) => target.WriteAsync(body, ct).AsTask(), body.Length);
}
