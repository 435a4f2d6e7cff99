using System.Net;

namespace Postcall.Tests.Support;

/// <summary>
/// A request body that sends its first half, says so (<see cref="HalfSent"/>), and sends the rest only when told
/// (<see cref="SendTheRest"/>): for seeing what the service does while a body is still arriving.
/// </summary>
/// <param name="declareLength">Send a Content-Length; without it the body goes chunked, as ElevenLabs sends audio.</param>
public sealed class HalfThenRestContent(byte[] body, bool declareLength) : HttpContent
{
    private readonly TaskCompletionSource _halfSent = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _rest = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task HalfSent => _halfSent.Task;

    public void SendTheRest() => _rest.TrySetResult();

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        var half = body.Length / 2;
        await stream.WriteAsync(body.AsMemory(0, half));
        await stream.FlushAsync();
        _halfSent.TrySetResult();
        await _rest.Task;
        await stream.WriteAsync(body.AsMemory(half));
    }

    protected override bool TryComputeLength(out long length)
    {
        length = body.Length;
        return declareLength;
    }
}
