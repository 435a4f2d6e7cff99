using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Postcall.Conversations;
using Postcall.Hosting;
using Postcall.Index;
using Postcall.Observability;
using Postcall.Tests.Support;

namespace Postcall.Tests.Conversations;

/// <summary>A transcription that says has_audio promises a recording; ElevenLabs never retries audio, so a missing one is flagged.</summary>
public sealed class MissingAudioTests : IAsyncLifetime
{
    private const string Key = "missing-audio-key-5c2e81";
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private PostcallFactory _factory = null!;
    private HttpClient _client = null!;

    public ValueTask InitializeAsync()
    {
        _factory = new PostcallFactory(new() { [PostcallSettings.ApiKeyVariable] = Key }, _time);
        _client = _factory.CreateClient();
        _client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    private static string Promising(string cid) =>
        Deliveries.Transcription(cid).Replace("\"status\":\"done\"", "\"status\":\"done\",\"has_audio\":true", StringComparison.Ordinal);

    private async Task DeliverAsync(string body)
    {
        using var request = Deliveries.SignedRequest(System.Text.Encoding.UTF8.GetBytes(body), timestamp: _time.GetUtcNow().ToUnixTimeSeconds());
        Assert.Equal(System.Net.HttpStatusCode.OK, (await Envelope.SendAsync(_client, request)).Status);
    }

    private async Task<string[]> MissingAsync()
    {
        var list = await Envelope.SendAsync(_client, new HttpRequestMessage(HttpMethod.Get, "/api/conversations?audio=missing"));
        return [.. list.Data.GetProperty("conversations").EnumerateArray().Select(c => c.GetProperty("conversation_id").GetString()!)];
    }

    [Fact]
    public async Task A_promised_recording_that_has_not_come_15_minutes_later_is_flagged_counted_and_cleared_when_it_comes()
    {
        await DeliverAsync(Promising("promised"));
        await DeliverAsync(Deliveries.Transcription("never-promised"));
        var index = _factory.Services.GetRequiredService<IConversationIndex>();
        var watch = new MissingAudioWatch(index, _factory.Services.GetRequiredService<PostcallMetrics>(), _time);

        Assert.Empty(await MissingAsync());
        Assert.Equal(0, await watch.CountAsync(TestContext.Current.CancellationToken));

        _time.Advance(TimeSpan.FromMinutes(16));
        Assert.Equal(["promised"], await MissingAsync());
        Assert.Equal(1, await watch.CountAsync(TestContext.Current.CancellationToken));
        var detail = await Envelope.SendAsync(_client, new HttpRequestMessage(HttpMethod.Get, "/api/conversations/promised"));
        Assert.True(detail.Data.GetProperty("conversation").GetProperty("audio_missing").GetBoolean());

        await DeliverAsync(Deliveries.Audio("promised", Fixtures.Bytes("sample_call.mp3")));
        Assert.Empty(await MissingAsync());
        Assert.Equal(0, await watch.CountAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Only_missing_is_a_value_of_audio() =>
        Assert.Equal("invalid_query", (await Envelope.SendAsync(_client, new HttpRequestMessage(HttpMethod.Get, "/api/conversations?audio=present")))
            .AssertError(System.Net.HttpStatusCode.BadRequest));
}
