using Microsoft.Extensions.DependencyInjection;
using Postcall.Hosting;
using Postcall.Reconciling;
using Postcall.Storage;

namespace Postcall.Tests.Reconciling;

/// <summary>The Conversations API client against the stand-in: paging, the key kept to its origin, retries, and answers that are not what the API documents.</summary>
public sealed class ConversationsApiTests : IAsyncLifetime
{
    private ConversationsApiStandIn _standIn = null!;
    private ServiceProvider _services = null!;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private ConversationsApi Api => _services.GetRequiredService<ConversationsApi>();

    public async ValueTask InitializeAsync()
    {
        _standIn = await ConversationsApiStandIn.StartAsync();
        var settings = PostcallSettings.Load(name => name switch
        {
            ElevenLabsApiSettings.ApiKeyVariable => ConversationsApiStandIn.Key,
            ElevenLabsApiSettings.BaseUrlVariable => _standIn.BaseUrl.AbsoluteUri,
            _ => null,
        });
        var services = new ServiceCollection();
        services.AddSingleton(settings);
        services.AddSingleton(TimeProvider.System);
        services.AddReconciling();
        _services = services.BuildServiceProvider();
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await _standIn.DisposeAsync();
    }

    private static ConversationId Id(string value) => ConversationId.Parse(value);

    [Fact]
    public async Task Two_pages_are_walked_with_the_cursor_and_read_tolerantly()
    {
        var first = await Api.ListAsync(new ConversationListRequest(null, null, 1_800_000_000, null), Cancel);
        Assert.True(first.HasMore);
        Assert.Equal(5, first.Conversations.Count);
        Assert.Equal(["done", "in-progress", "done", "done", "failed"], first.Conversations.Select(c => c.Status));
        Assert.False(first.Conversations[1].IsFinal);
        Assert.Equal(1773152547, first.Conversations[0].StartTimeUnixSecs);

        var second = await Api.ListAsync(new ConversationListRequest(first.NextCursor, null, 1_800_000_000, null), Cancel);
        Assert.False(second.HasMore);
        Assert.Null(second.NextCursor);
        Assert.Equal(3, second.Conversations.Count);
        Assert.All(_standIn.Requests, r => Assert.True(r.HadKey));
    }

    [Fact]
    public async Task A_conversation_comes_back_as_the_api_sent_it()
    {
        var json = ConversationsApiStandIn.Conversation("conv_ok");
        _standIn.Conversations["conv_ok"] = json;

        var body = await Api.GetConversationAsync(Id("conv_ok"), Cancel);

        Assert.Equal(json, System.Text.Encoding.UTF8.GetString(body));
    }

    [Fact]
    public async Task A_429_with_retry_after_and_a_5xx_are_asked_again_until_the_answer_comes()
    {
        _standIn.Conversations["conv_busy"] = ConversationsApiStandIn.Conversation("conv_busy");
        const string path = "/v1/convai/conversations/conv_busy";
        _standIn.FailNext(path, new(429, File.ReadAllText(Support.Fixtures.PathOf("api/error_429.json")), new Dictionary<string, string> { ["Retry-After"] = "1" }));
        _standIn.FailNext(path, new(503, """{"detail":{"code":"service_unavailable"}}""", new Dictionary<string, string> { ["retry-after-ms"] = "20" }));

        var body = await Api.GetConversationAsync(Id("conv_busy"), Cancel);

        Assert.NotEmpty(body);
        Assert.Equal(3, _standIn.Requests.Count(r => r.Path == path));
    }

    [Fact]
    public async Task Retries_end_and_say_the_failure_is_passing()
    {
        const string path = "/v1/convai/conversations/conv_down";
        for (var i = 0; i < ConversationsApi.MaxAttempts; i++)
        {
            _standIn.FailNext(path, new(500, """{"detail":{"code":"internal_error"}}""", new Dictionary<string, string> { ["retry-after-ms"] = "10" }));
        }

        var e = await Assert.ThrowsAsync<ElevenLabsApiException>(() => Api.GetConversationAsync(Id("conv_down"), Cancel));

        Assert.Equal(ApiFailure.Transient, e.Failure);
        Assert.Equal("The API answered 500 (internal_error).", e.Message);
        Assert.Equal(ConversationsApi.MaxAttempts, _standIn.Requests.Count(r => r.Path == path));
    }

    [Fact]
    public async Task A_404_is_not_found_and_asked_once()
    {
        var e = await Assert.ThrowsAsync<ElevenLabsApiException>(() => Api.GetConversationAsync(Id("conv_gone"), Cancel));

        Assert.Equal(ApiFailure.NotFound, e.Failure);
        Assert.Equal("The API answered 404 (conversation_not_found).", e.Message);
        Assert.Single(_standIn.Requests, r => r.Path.EndsWith("conv_gone", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Malformed_answers_fail_that_item_with_a_reason()
    {
        _standIn.FailNext("/v1/convai/conversations/conv_bad", new(200, """{"conversation_id": "conv_bad", "transcript": [ """));
        _standIn.Conversations["conv_other"] = ConversationsApiStandIn.Conversation("conv_someone_else");
        _standIn.FailNext("/v1/convai/conversations", new(200, """{"items": []}"""));

        var truncated = await Assert.ThrowsAsync<ElevenLabsApiException>(() => Api.GetConversationAsync(Id("conv_bad"), Cancel));
        var otherId = await Assert.ThrowsAsync<ElevenLabsApiException>(() => Api.GetConversationAsync(Id("conv_other"), Cancel));
        var notAList = await Assert.ThrowsAsync<ElevenLabsApiException>(() => Api.ListAsync(new ConversationListRequest(null, null, null, null), Cancel));

        Assert.All([truncated, otherId, notAList], e => Assert.Equal(ApiFailure.Malformed, e.Failure));
    }

    [Fact]
    public async Task A_listed_id_that_is_not_a_valid_conversation_id_is_skipped_before_it_touches_anything()
    {
        _standIn.FailNext("/v1/convai/conversations", new(200, """
            {"conversations": [
              {"conversation_id": "../../etc/passwd", "agent_id": "a", "start_time_unix_secs": 1, "call_duration_secs": 1, "status": "done"},
              {"conversation_id": "conv_fine", "agent_id": "a", "start_time_unix_secs": 2, "call_duration_secs": 3, "status": "done", "new_field": {"x": 1}},
              {"agent_id": "no id"}
            ], "has_more": false, "next_cursor": null}
            """));

        var page = await Api.ListAsync(new ConversationListRequest(null, null, null, null), Cancel);

        Assert.Equal("conv_fine", Assert.Single(page.Conversations).Id.Value);
        Assert.Equal(2, page.Skipped);
        Assert.Equal(5, page.Conversations[0].EndedAtUnixSecs);
    }

    [Fact]
    public async Task A_recording_redirected_to_another_origin_is_fetched_there_without_the_key()
    {
        var mp3 = Support.Fixtures.Bytes("sample_call.mp3");
        _standIn.Recordings["conv_cdn"] = mp3;
        _standIn.RedirectAudio["conv_cdn"] = true;

        using var response = await Api.OpenAudioAsync(Id("conv_cdn"), Cancel);
        var body = await response.Content.ReadAsByteArrayAsync(Cancel);

        Assert.Equal(mp3, body);
        var api = Assert.Single(_standIn.Requests, r => r.Path == "/v1/convai/conversations/conv_cdn/audio");
        var cdn = Assert.Single(_standIn.Requests, r => r.Path == "/cdn/conv_cdn.mp3");
        Assert.True(api.HadKey);
        Assert.NotEqual(api.Port, cdn.Port);
        Assert.False(cdn.HadKey);
    }

    [Theory]
    [InlineData("http://api.elevenlabs.io")]
    [InlineData("https://api.elevenlabs.io/v1")]
    [InlineData("https://user:pass@api.elevenlabs.io")]
    [InlineData("ftp://api.elevenlabs.io")]
    public void A_base_url_that_would_send_the_key_in_the_clear_or_elsewhere_stops_the_start(string url)
    {
        var e = Assert.Throws<SettingsException>(() => PostcallSettings.Load(name => name == ElevenLabsApiSettings.BaseUrlVariable ? url : null));
        Assert.Contains(ElevenLabsApiSettings.BaseUrlVariable, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("pass@", e.Message.Replace(url, "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://api.eu.residency.elevenlabs.io")]
    [InlineData("http://127.0.0.1:8123")]
    [InlineData("http://localhost:8123/")]
    public void Residency_origins_and_loopback_are_accepted(string url)
    {
        var settings = PostcallSettings.Load(name => name == ElevenLabsApiSettings.BaseUrlVariable ? url : null);
        Assert.Equal(new Uri(url), settings.ElevenLabsApi.BaseUrl);
        Assert.False(settings.ElevenLabsApi.IsEnabled);
    }
}
