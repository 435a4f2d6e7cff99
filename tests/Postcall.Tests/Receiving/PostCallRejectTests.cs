using System.Net;
using System.Text;
using Postcall.ElevenLabs;
using Postcall.Tests.Support;

namespace Postcall.Tests.Receiving;

/// <summary>Every refusal answers the error envelope and leaves nothing behind: no folder, no temp file.</summary>
public sealed class PostCallRejectTests : ServiceTests
{
    private async Task<string> RejectedAsync(HttpRequestMessage request, HttpStatusCode expected, PostcallFactory? factory = null)
    {
        factory ??= Factory;
        var response = await Envelope.SendAsync(factory.CreateClient(), request);
        var code = response.AssertError(expected);
        PayloadRootAssertions.NothingStored(factory.PayloadRoot);
        return code;
    }

    private static byte[] Transcription => Fixtures.Bytes("post_call_transcription.json");

    [Fact]
    public async Task Unsigned_is_signature_missing() =>
        Assert.Equal("signature_missing", await RejectedAsync(Deliveries.WithHeader(Transcription, null), HttpStatusCode.Unauthorized));

    [Fact]
    public async Task Garbage_header_is_signature_malformed() =>
        Assert.Equal("signature_malformed", await RejectedAsync(Deliveries.WithHeader(Transcription, "sha256=abc"), HttpStatusCode.Unauthorized));

    [Fact]
    public async Task Wrong_secret_is_signature_mismatch() =>
        Assert.Equal("signature_mismatch", await RejectedAsync(Deliveries.SignedRequest(Transcription, secret: "wsec_wrong"), HttpStatusCode.Unauthorized));

    [Fact]
    public async Task Tampered_body_is_signature_mismatch()
    {
        var header = SignatureSigner.Sign(Fixtures.Secret, Deliveries.Now, Transcription);
        var tampered = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Transcription).Replace("angelo", "mallory", StringComparison.Ordinal));
        Assert.Equal("signature_mismatch", await RejectedAsync(Deliveries.WithHeader(tampered, header), HttpStatusCode.Unauthorized));
    }

    [Theory]
    [InlineData(-31 * 60)]
    [InlineData(31 * 60)]
    public async Task Replays_and_future_stamps_beyond_30_minutes_are_refused(int offsetSeconds) =>
        Assert.Equal("timestamp_out_of_tolerance",
            await RejectedAsync(Deliveries.SignedRequest(Transcription, timestamp: Deliveries.Now + offsetSeconds), HttpStatusCode.Unauthorized));

    [Theory]
    [InlineData("1000000000000", "timestamp_out_of_tolerance")]
    [InlineData("999999999999999999", "timestamp_out_of_tolerance")]
    [InlineData("9223372036854775807", "signature_malformed")]
    [InlineData("99999999999999999999999999999999", "signature_malformed")]
    public async Task A_timestamp_far_outside_any_date_is_refused_not_a_server_error(string t, string expected) =>
        Assert.Equal(expected, await RejectedAsync(
            Deliveries.WithHeader(Transcription, $"t={t},v0={new string('0', 64)}"), HttpStatusCode.Unauthorized));

    [Fact]
    public async Task Without_a_key_the_endpoint_answers_503_and_stores_nothing()
    {
        await using var factory = new PostcallFactory(new() { ["ELEVENLABS_POST_CALL_HMAC_KEY"] = "" });
        Assert.Equal("hmac_key_not_configured", await RejectedAsync(Deliveries.SignedRequest(Transcription), HttpStatusCode.ServiceUnavailable, factory));
        using var health = await factory.CreateClient().GetAsync(new Uri("/health", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    public static TheoryData<string, string> BadBodies => new()
    {
        { "{\"type\":\"post_call_transcription\",\"data\":{\"conversation_id\":\"abc\"", "invalid_json" },
        { "not json at all", "invalid_json" },
        { "[1,2,3]", "invalid_payload" },
        { "{\"type\":\"post_call_transcription\",\"data\":{}}", "missing_conversation_id" },
        { "{\"type\":\"post_call_transcription\",\"data\":{\"conversation_id\":\"\"}}", "missing_conversation_id" },
        { "{\"type\":\"post_call_transcription\"}", "missing_conversation_id" },
        { "{\"type\":\"post_call_transcription\",\"data\":{\"conversation_id\":42}}", "invalid_conversation_id" },
        { "{\"type\":\"something-else\",\"data\":{\"conversation_id\":\"abc\"}}", "unknown_webhook_type" },
        { "{\"type\":7,\"data\":{\"conversation_id\":\"abc\"}}", "unknown_webhook_type" },
        { "{\"conversation_id\":\"abc\"}", "unknown_webhook_type" },
        { "{\"type\":\"post_call_audio\",\"data\":{\"conversation_id\":\"abc\"}}", "missing_audio" },
        { "{\"type\":\"post_call_audio\",\"data\":{\"conversation_id\":\"abc\",\"full_audio\":null}}", "missing_audio" },
        { "{\"type\":\"post_call_audio\",\"data\":{\"conversation_id\":\"abc\",\"full_audio\":\"\"}}", "invalid_audio" },
        { "{\"type\":\"post_call_audio\",\"data\":{\"conversation_id\":\"abc\",\"full_audio\":\"not base64!\"}}", "invalid_audio" },
        // Which of two types counts would be a guess, whichever comes first.
        { "{\"type\":\"post_call_audio\",\"data\":{\"conversation_id\":\"abc\",\"full_audio\":\"SUQz\"},\"type\":\"post_call_transcription\"}", "invalid_payload" },
        { "{\"type\":\"post_call_transcription\",\"type\":\"post_call_transcription\",\"data\":{\"conversation_id\":\"abc\"}}", "invalid_payload" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Signed_bad_bodies_are_400_with_their_code(string body, string expectedCode) =>
        Assert.Equal(expectedCode, await RejectedAsync(Deliveries.SignedRequest(body), HttpStatusCode.BadRequest));

    [Theory]
    [InlineData("../escape")]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("a\\\\b")]
    [InlineData(".postcall")]
    [InlineData("-leading-dash")]
    [InlineData("_leading")]
    [InlineData("has space")]
    [InlineData("nul\\u0000byte")]
    [InlineData("ünïcode")]
    [InlineData("/etc/passwd")]
    public async Task Conversation_ids_that_could_leave_the_root_are_refused(string cid)
    {
        var body = $$$"""{"type":"post_call_transcription","data":{"conversation_id":"{{{cid}}}"}}""";
        Assert.Equal("invalid_conversation_id", await RejectedAsync(Deliveries.SignedRequest(body), HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task A_129_character_id_is_refused_and_128_accepted()
    {
        Assert.Equal("invalid_conversation_id",
            await RejectedAsync(Deliveries.SignedRequest(Deliveries.Transcription(new string('a', 129))), HttpStatusCode.BadRequest));
        var ok = await Envelope.SendAsync(Factory.CreateClient(), Deliveries.SignedRequest(Deliveries.Transcription(new string('a', 128))));
        Assert.Equal(HttpStatusCode.OK, ok.Status);
    }

    [Fact]
    public async Task Large_audio_that_turns_bad_at_its_very_end_leaves_nothing()
    {
        var audio = new byte[3 * 1024 * 1024];
        new Random(5).NextBytes(audio);
        var good = Deliveries.Audio("late-failure", audio);
        var broken = good[..^4] + "!\"}}"; // the base64's last character spoiled
        Assert.Equal("invalid_audio", await RejectedAsync(Deliveries.SignedRequest(broken), HttpStatusCode.BadRequest));
        var truncated = good[..^3];
        Assert.Equal("invalid_json", await RejectedAsync(Deliveries.SignedRequest(truncated), HttpStatusCode.BadRequest));
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("audio/mpeg")]
    public async Task Other_content_types_are_415(string contentType) =>
        Assert.Equal("unsupported_media_type", await RejectedAsync(Deliveries.SignedRequest(Transcription, contentType), HttpStatusCode.UnsupportedMediaType));

    [Fact]
    public async Task Unsigned_requests_are_401_before_the_content_type_is_judged() =>
        Assert.Equal("signature_missing", await RejectedAsync(Deliveries.WithHeader(Transcription, null, "text/plain"), HttpStatusCode.Unauthorized));

    [Fact]
    public async Task A_body_over_the_configured_limit_is_413()
    {
        await using var factory = new PostcallFactory(new() { ["POSTCALL_MAX_BODY_BYTES"] = "1000" });
        Assert.Equal("payload_too_large", await RejectedAsync(Deliveries.SignedRequest(Transcription), HttpStatusCode.RequestEntityTooLarge, factory));
        var small = await Envelope.SendAsync(factory.CreateClient(), Deliveries.SignedRequest(Deliveries.Transcription("small")));
        Assert.Equal(HttpStatusCode.OK, small.Status);
    }

    [Fact]
    public async Task A_chunked_body_over_the_limit_without_content_length_is_413()
    {
        await using var factory = new PostcallFactory(new() { ["POSTCALL_MAX_BODY_BYTES"] = "1000" });
        var request = Deliveries.SignedRequest(Transcription);
        request.Content = new StreamContent(new MemoryStream(Transcription));
        request.Content.Headers.ContentLength = null;
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        request.Headers.TransferEncodingChunked = true;
        Assert.Equal("payload_too_large", await RejectedAsync(request, HttpStatusCode.RequestEntityTooLarge, factory));
    }

    public static TheoryData<string, string> BadForms => new()
    {
        { "--b\r\nContent-Disposition: form-data; name=\"conversation_id\"\r\n\r\nabc\r\n--b--\r\n", "missing_audio" },
        { "--b\r\nContent-Disposition: form-data; name=\"audio\"; filename=\"a.mp3\"\r\n\r\nID3\r\n--b--\r\n", "missing_conversation_id" },
        { "--b\r\nContent-Disposition: form-data; name=\"conversation_id\"\r\n\r\n../x\r\n--b\r\nContent-Disposition: form-data; name=\"audio\"; filename=\"a.mp3\"\r\n\r\nID3\r\n--b--\r\n", "invalid_conversation_id" },
        { "--b\r\nContent-Disposition: form-data; name=\"conversation_id\"\r\n\r\nabc\r\n--b\r\nContent-Disposition: form-data; name=\"audio\"; filename=\"a.mp3\"\r\n\r\n\r\n--b--\r\n", "invalid_audio" },
        { "--b\r\nContent-Disposition: form-data; name=\"audio\"; filename=\"a.mp3\"\r\n\r\nID3 and no end", "invalid_multipart" },
    };

    [Theory]
    [MemberData(nameof(BadForms))]
    public async Task Bad_multipart_forms_are_400(string form, string expectedCode) =>
        Assert.Equal(expectedCode, await RejectedAsync(Deliveries.SignedRequest(Encoding.UTF8.GetBytes(form), "multipart/form-data; boundary=b"), HttpStatusCode.BadRequest));

    [Fact]
    public async Task Multipart_without_a_boundary_is_400() =>
        Assert.Equal("invalid_multipart", await RejectedAsync(Deliveries.SignedRequest(Transcription, "multipart/form-data"), HttpStatusCode.BadRequest));
}
