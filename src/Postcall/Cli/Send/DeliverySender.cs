using System.Diagnostics;
using Postcall.ElevenLabs;

namespace Postcall.Cli.Send;

/// <summary>Signs a delivery exactly as ElevenLabs does, at the current time, and posts it.</summary>
internal sealed class DeliverySender(HttpClient client, Uri url, string secret, TimeProvider time)
{
    public async Task<DeliveryResult> SendAsync(OutgoingDelivery delivery, CancellationToken cancellationToken)
    {
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        string header;
        using (var signing = new SigningStream(secret, timestamp))
        {
            await delivery.WriteBodyAsync(signing, cancellationToken);
            header = signing.Header();
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new DeliveryContent(delivery) };
        request.Headers.TryAddWithoutValidation(SignatureHeader.Name, header);
        if (delivery.Length is null)
        {
            request.Headers.TransferEncodingChunked = true;
        }

        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await client.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            var requestId = response.Headers.TryGetValues("X-Request-ID", out var ids) ? ids.FirstOrDefault() : null;
            return new DeliveryResult(delivery, (int)response.StatusCode, response.ReasonPhrase ?? string.Empty, requestId, body,
                Stopwatch.GetElapsedTime(started));
        }
        catch (HttpRequestException e)
        {
            throw new CliException($"Cannot reach {url}: {e.Message.TrimEnd('.')}. Is the service running? (dotnet run --project src/Postcall)");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new CliException($"{url} did not answer within {client.Timeout.TotalSeconds:0} s.");
        }
    }
}
