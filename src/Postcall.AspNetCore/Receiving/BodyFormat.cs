using Microsoft.Net.Http.Headers;
using Postcall.Http;

namespace Postcall.Receiving;

/// <summary>How a post-call body is laid out, read from its Content-Type before the body is touched.</summary>
internal sealed record BodyFormat(bool IsMultipart, string? Boundary)
{
    // RFC 2046 caps boundaries at 70 characters.
    private const int MaxBoundaryLength = 70;

    public static readonly BodyFormat Json = new(false, null);

    /// <summary>JSON (also when no Content-Type is sent) or multipart/form-data; anything else is 415.</summary>
    public static BodyFormat? Parse(string? contentType, out Rejection? rejection)
    {
        rejection = null;
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return Json;
        }

        if (!MediaTypeHeaderValue.TryParse(contentType, out var media))
        {
            rejection = Unsupported();
            return null;
        }

        var type = media.MediaType.Value ?? string.Empty;
        if (type.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || type.Equals("text/json", StringComparison.OrdinalIgnoreCase)
            || (type.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && type.EndsWith("+json", StringComparison.OrdinalIgnoreCase)))
        {
            return Json;
        }

        if (type.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            var boundary = HeaderUtilities.RemoveQuotes(media.Boundary).Value;
            if (string.IsNullOrEmpty(boundary) || boundary.Length > MaxBoundaryLength)
            {
                rejection = Rejection.BadRequest(ErrorCodes.InvalidMultipart, "multipart/form-data needs a boundary of 1 to 70 characters.");
                return null;
            }

            return new BodyFormat(true, boundary);
        }

        rejection = Unsupported();
        return null;
    }

    private static Rejection Unsupported() => new(StatusCodes.Status415UnsupportedMediaType, ErrorCodes.UnsupportedMediaType,
        "Send application/json (ElevenLabs' format) or multipart/form-data (audio upload).");
}
