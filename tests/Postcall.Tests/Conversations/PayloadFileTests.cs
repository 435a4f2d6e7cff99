using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Postcall.Access;
using Postcall.Http;
using Postcall.Tests.Support;

namespace Postcall.Tests.Conversations;

/// <summary>The audio (with ranges, as a browser seeks) and the raw payloads, byte for byte.</summary>
public sealed class PayloadFileTests() : ApiTests(time: new FakeTimeProvider(DateTimeOffset.UtcNow))
{
    private static readonly byte[] Mp3 = Fixtures.Bytes("sample_call.mp3");

    private async Task<HttpResponseMessage> SendAsync(string path, Action<HttpRequestMessage>? configure = null, HttpClient? client = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        configure?.Invoke(request);
        return await (client ?? Api()).SendAsync(request, Ct);
    }

    [Fact]
    public async Task The_recording_is_served_whole_and_by_range()
    {
        await StoreAsync(Deliveries.Audio("rec", Mp3));

        using var whole = await SendAsync("/api/conversations/rec/audio");
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        Assert.Equal("audio/mpeg", whole.Content.Headers.ContentType!.MediaType);
        Assert.Equal("bytes", whole.Headers.AcceptRanges.Single());
        Assert.Equal(Mp3, await whole.Content.ReadAsByteArrayAsync(Ct));

        using var middle = await SendAsync("/api/conversations/rec/audio", r => r.Headers.Range = new RangeHeaderValue(1000, 1999));
        Assert.Equal(HttpStatusCode.PartialContent, middle.StatusCode);
        Assert.Equal($"bytes 1000-1999/{Mp3.Length}", middle.Content.Headers.ContentRange!.ToString());
        Assert.Equal(Mp3[1000..2000], await middle.Content.ReadAsByteArrayAsync(Ct));

        using var open = await SendAsync("/api/conversations/rec/audio", r => r.Headers.Range = new RangeHeaderValue(14000, null));
        Assert.Equal(Mp3[14000..], await open.Content.ReadAsByteArrayAsync(Ct));

        using var tail = await SendAsync("/api/conversations/rec/audio", r => r.Headers.Range = new RangeHeaderValue(null, 100));
        Assert.Equal(Mp3[^100..], await tail.Content.ReadAsByteArrayAsync(Ct));

        using var beyond = await SendAsync("/api/conversations/rec/audio", r => r.Headers.Range = new RangeHeaderValue(Mp3.Length + 10, null));
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, beyond.StatusCode);
        Assert.Equal($"bytes */{Mp3.Length}", beyond.Content.Headers.ContentRange!.ToString());
    }

    [Fact]
    public async Task The_audio_link_works_without_the_key_for_its_own_conversation_only_and_expires()
    {
        await StoreAsync(Deliveries.Audio("rec", Mp3));
        await StoreAsync(Deliveries.Audio("other", Mp3));
        var link = (await GetAsync("/api/conversations/rec")).Data.GetProperty("links").GetProperty("audio").GetString()!;
        Assert.StartsWith("/api/conversations/rec/audio?access=", link, StringComparison.Ordinal);
        var anonymous = Factory.CreateClient();

        using (var ranged = await SendAsync(link, r => r.Headers.Range = new RangeHeaderValue(0, null), anonymous))
        {
            Assert.Equal(HttpStatusCode.PartialContent, ranged.StatusCode);
            Assert.Equal(Mp3, await ranged.Content.ReadAsByteArrayAsync(Ct));
        }

        var token = link[(link.IndexOf('=', StringComparison.Ordinal) + 1)..];
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync($"/api/conversations/other/audio?access={token}", client: anonymous)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync($"/api/conversations/rec?access={token}", client: anonymous)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync($"/api/conversations/rec/raw/transcription?access={token}", client: anonymous)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync($"{link}0", client: anonymous)).StatusCode);

        Factory.Time!.Advance(MediaTokens.Lifetime + TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(link, client: anonymous)).StatusCode);
    }

    [Fact]
    public async Task Raw_payloads_are_the_bytes_as_received()
    {
        var transcription = Fixtures.Bytes("post_call_transcription.json");
        var failure = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Fixtures.Bytes("call_initiation_failure_twilio.json")));
        await StoreAsync(Encoding.UTF8.GetString(transcription));
        await StoreAsync(Encoding.UTF8.GetString(failure));

        using var raw = await SendAsync("/api/conversations/abc/raw/transcription");
        Assert.Equal("application/json", raw.Content.Headers.ContentType!.MediaType);
        Assert.Equal(transcription, await raw.Content.ReadAsByteArrayAsync(Ct));
        using var rawFailure = await SendAsync("/api/conversations/abc/raw/failure");
        Assert.Equal(failure, await rawFailure.Content.ReadAsByteArrayAsync(Ct));
    }

    [Theory]
    [InlineData("/api/conversations/abc/raw/audio")]
    [InlineData("/api/conversations/abc/raw/..%2Fabc_audio.mp3")]
    [InlineData("/api/conversations/abc/raw/failure")]
    [InlineData("/api/conversations/abc/audio")]
    [InlineData("/api/conversations/..%2F.postcall/audio")]
    public async Task Missing_or_impossible_payloads_are_404(string path)
    {
        await StoreAsync(Encoding.UTF8.GetString(Fixtures.Bytes("post_call_transcription.json")));
        Assert.Equal(ErrorCodes.ConversationNotFound, (await GetAsync(path)).AssertError(HttpStatusCode.NotFound));
    }
}
