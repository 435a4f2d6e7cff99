using System.Net;
using Microsoft.Extensions.Time.Testing;
using Postcall.Tests.Support;

namespace Postcall.Tests.Receiving;

public sealed class PostCallAcceptTests : ServiceTests
{
    private string Stored(string cid, string file) => Path.Combine(Factory.PayloadRoot, cid, $"{cid}_{file}");

    [Theory]
    [InlineData("post_call_transcription.json", "transcription", "Transcription webhook processed and saved", "transcription.json")]
    [InlineData("call_initiation_failure_sip.json", "failure", "Failure webhook processed and saved", "failure.json")]
    [InlineData("call_initiation_failure_twilio.json", "failure", "Failure webhook processed and saved", "failure.json")]
    public async Task Json_fixtures_are_stored_byte_for_byte(string fixture, string type, string message, string file)
    {
        var body = Fixtures.Bytes(fixture);
        var response = await Envelope.SendAsync(Factory.CreateClient(), Deliveries.SignedRequest(body));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("success", response.Field("status"));
        Assert.Equal(message, response.Field("message"));
        Assert.Equal(response.RequestIdHeader, response.Field("request_id"));
        Assert.Equal(type, response.Data.GetProperty("webhook_type").GetString());
        Assert.False(response.Data.GetProperty("duplicate").GetBoolean());
        Assert.Equal(Stored("abc", file), response.Data.GetProperty("file_path").GetString());
        Assert.Equal(body, await File.ReadAllBytesAsync(Stored("abc", file), TestContext.Current.CancellationToken));
        PayloadRootAssertions.OnlyPayloadFiles(Factory.PayloadRoot);
    }

    [Fact]
    public async Task Audio_fixture_is_decoded_to_the_mp3()
    {
        var response = await Envelope.SendAsync(Factory.CreateClient(), Deliveries.SignedRequest(Fixtures.Bytes("post_call_audio.json")));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("Audio webhook processed and saved", response.Field("message"));
        Assert.Equal("audio", response.Data.GetProperty("webhook_type").GetString());
        var mp3 = Fixtures.Bytes("sample_call.mp3");
        Assert.Equal(mp3.Length, response.Data.GetProperty("file_size").GetInt64());
        Assert.Equal(mp3, await File.ReadAllBytesAsync(Stored("abc", "audio.mp3"), TestContext.Current.CancellationToken));
        PayloadRootAssertions.OnlyPayloadFiles(Factory.PayloadRoot);
    }

    [Fact]
    public async Task Audio_whose_type_comes_after_its_data_is_decoded_too()
    {
        var mp3 = Fixtures.Bytes("sample_call.mp3");
        var body = $"{{\"data\":{{\"conversation_id\":\"late-type\",\"full_audio\":\"{Convert.ToBase64String(mp3)}\"}},\"type\":\"post_call_audio\"}}";
        var response = await Envelope.SendAsync(Factory.CreateClient(), Deliveries.SignedRequest(body));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("audio", response.Data.GetProperty("webhook_type").GetString());
        Assert.Equal(mp3, await File.ReadAllBytesAsync(Stored("late-type", "audio.mp3"), TestContext.Current.CancellationToken));
        PayloadRootAssertions.OnlyPayloadFiles(Factory.PayloadRoot);
    }

    [Fact]
    public async Task Golden_vector_headers_are_accepted_verbatim_at_their_time()
    {
        foreach (var vector in Fixtures.Vectors())
        {
            var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(vector.Timestamp + 60));
            await using var factory = new PostcallFactory(time: time);
            var response = await Envelope.SendAsync(factory.CreateClient(), Deliveries.WithHeader(Fixtures.Bytes(vector.File), vector.Header));
            Assert.Equal(HttpStatusCode.OK, response.Status);
        }
    }

    [Fact]
    public async Task Any_of_several_configured_secrets_verifies()
    {
        await using var factory = new PostcallFactory(new() { ["ELEVENLABS_POST_CALL_HMAC_KEY"] = "wsec_old, wsec_new" });
        var body = System.Text.Encoding.UTF8.GetBytes(Deliveries.Transcription("rotated"));
        var response = await Envelope.SendAsync(factory.CreateClient(), Deliveries.SignedRequest(body, secret: "wsec_new"));
        Assert.Equal(HttpStatusCode.OK, response.Status);
    }

    [Fact]
    public async Task The_old_flat_transcription_and_failure_forms_are_accepted()
    {
        var client = Factory.CreateClient();
        var transcript = await Envelope.SendAsync(client, Deliveries.SignedRequest("""{"conversation_id":"flat1","transcript":[{"role":"user","message":"hi"}]}"""));
        var failure = await Envelope.SendAsync(client, Deliveries.SignedRequest("""{"conversation_id":"flat1","error_code":"busy","error_message":"Busy"}"""));

        Assert.Equal(HttpStatusCode.OK, transcript.Status);
        Assert.Equal("transcription", transcript.Data.GetProperty("webhook_type").GetString());
        Assert.Equal(HttpStatusCode.OK, failure.Status);
        Assert.Equal("failure", failure.Data.GetProperty("webhook_type").GetString());
        Assert.True(File.Exists(Stored("flat1", "transcription.json")));
        Assert.True(File.Exists(Stored("flat1", "failure.json")));
    }

    [Fact]
    public async Task The_old_multipart_audio_form_is_stored_as_sent()
    {
        var mp3 = Fixtures.Bytes("sample_call.mp3");
        using var form = Deliveries.SeedAudioForm("seed-audio_1", mp3);
        var body = await form.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
        var request = Deliveries.SignedRequest(body, form.Headers.ContentType!.ToString());

        var response = await Envelope.SendAsync(Factory.CreateClient(), request);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("audio", response.Data.GetProperty("webhook_type").GetString());
        Assert.Equal(mp3.Length, response.Data.GetProperty("file_size").GetInt64());
        Assert.Equal(mp3, await File.ReadAllBytesAsync(Stored("seed-audio_1", "audio.mp3"), TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/vnd.elevenlabs+json")]
    [InlineData(null)]
    public async Task Json_is_accepted_with_any_json_content_type_or_none(string? contentType)
    {
        var request = Deliveries.SignedRequest(System.Text.Encoding.UTF8.GetBytes(Deliveries.Transcription("ct")), contentType);
        var response = await Envelope.SendAsync(Factory.CreateClient(), request);
        Assert.Equal(HttpStatusCode.OK, response.Status);
    }
}
