using System.Net.Http.Headers;
using System.Text;
using Postcall.ElevenLabs;

namespace Postcall.Tests.Support;

/// <summary>Builds signed post-call requests the way ElevenLabs sends them.</summary>
public static class Deliveries
{
    public const string Path = "/webhook/post-call";

    public static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    public static HttpRequestMessage SignedRequest(byte[] body, string? contentType = "application/json", string secret = Fixtures.Secret, long? timestamp = null)
    {
        var request = Unsigned(body, contentType);
        request.Headers.TryAddWithoutValidation(SignatureHeader.Name, SignatureSigner.Sign(secret, timestamp ?? Now, body));
        return request;
    }

    public static HttpRequestMessage SignedRequest(string body, string contentType = "application/json") => SignedRequest(Encoding.UTF8.GetBytes(body), contentType);

    public static HttpRequestMessage WithHeader(byte[] body, string? signature, string? contentType = "application/json")
    {
        var request = Unsigned(body, contentType);
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation(SignatureHeader.Name, signature);
        }

        return request;
    }

    private static HttpRequestMessage Unsigned(byte[] body, string? contentType)
    {
        var content = new ByteArrayContent(body);
        if (contentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        return new HttpRequestMessage(HttpMethod.Post, Path) { Content = content };
    }

    public static string Transcription(string conversationId) =>
        $$$"""{"type":"post_call_transcription","event_timestamp":1739537297,"data":{"agent_id":"xyz","conversation_id":"{{{conversationId}}}","status":"done","transcript":[{"role":"agent","message":"Hello"}]}}""";

    public static string Failure(string conversationId) =>
        $$$"""{"type":"call_initiation_failure","event_timestamp":1759931652,"data":{"agent_id":"xyz","conversation_id":"{{{conversationId}}}","failure_reason":"busy"}}""";

    public static string Audio(string conversationId, byte[] mp3) =>
        $$$"""{"type":"post_call_audio","event_timestamp":1739537319,"data":{"agent_id":"xyz","conversation_id":"{{{conversationId}}}","full_audio":"{{{Convert.ToBase64String(mp3)}}}"}}""";

    public static MultipartFormDataContent SeedAudioForm(string conversationId, byte[] mp3)
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent(conversationId), "conversation_id" },
        };
        var file = new ByteArrayContent(mp3);
        file.Headers.ContentType = new MediaTypeHeaderValue("audio/mpeg");
        form.Add(file, "audio", "call.mp3");
        return form;
    }
}
