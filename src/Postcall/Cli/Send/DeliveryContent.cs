using System.Net;
using System.Net.Http.Headers;

namespace Postcall.Cli.Send;

/// <summary>Streams a delivery's body onto the wire; without a known length it goes out chunked, as ElevenLabs sends audio.</summary>
internal sealed class DeliveryContent : HttpContent
{
    private readonly OutgoingDelivery _delivery;

    public DeliveryContent(OutgoingDelivery delivery)
    {
        _delivery = delivery;
        Headers.ContentType = MediaTypeHeaderValue.Parse(delivery.ContentType);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        _delivery.WriteBodyAsync(stream, CancellationToken.None);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken) =>
        _delivery.WriteBodyAsync(stream, cancellationToken);

    protected override bool TryComputeLength(out long length)
    {
        length = _delivery.Length ?? 0;
        return _delivery.Length is not null;
    }
}
