using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using Postcall.Tests.Support;

namespace Postcall.Tests.GenericWebhooks;

public sealed class GenericEndpointTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
    private readonly PostcallFactory _factory = new(time: new FakeTimeProvider(Now));

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _factory.DisposeAsync();

    private Task<Envelope> PostAsync(string path, string body, string contentType = "application/json") =>
        Envelope.SendAsync(_factory.CreateClient(), new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(body, Encoding.UTF8, contentType),
        });

    [Fact]
    public async Task Webhook_processes_a_typed_payload()
    {
        var response = await PostAsync("/webhook", """{"event_type":"call.ended","data":{"a":1},"user_id":"u1"}""");
        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("success", response.Field("status"));
        Assert.Equal("Payload of type 'call.ended' processed successfully", response.Field("message"));
        Assert.True(response.Data.GetProperty("processed").GetBoolean());
        Assert.Equal("call.ended", response.Data.GetProperty("event_type").GetString());
    }

    [Theory]
    [InlineData("{}", "missing_event_type")]
    [InlineData("""{"event_type":""}""", "missing_event_type")]
    [InlineData("""{"event_type":5}""", "missing_event_type")]
    [InlineData("{not json", "invalid_json")]
    [InlineData("[]", "invalid_payload")]
    [InlineData("""{"event_type":"x","timestamp":"yesterday"}""", "invalid_payload")]
    public async Task Webhook_refuses_bad_payloads(string body, string code)
    {
        var response = await PostAsync("/webhook", body);
        Assert.Equal(code, response.AssertError(HttpStatusCode.BadRequest));
    }

    [Fact]
    public async Task Webhook_refuses_non_json_content()
    {
        var response = await PostAsync("/webhook", "event_type=x", "application/x-www-form-urlencoded");
        Assert.Equal("unsupported_media_type", response.AssertError(HttpStatusCode.UnsupportedMediaType));
    }

    [Fact]
    public async Task Webhook_refuses_a_body_over_one_megabyte()
    {
        var response = await PostAsync("/webhook", $$$"""{"event_type":"x","data":{"pad":"{{{new string('a', 1_100_000)}}}"}}""");
        Assert.Equal("payload_too_large", response.AssertError(HttpStatusCode.RequestEntityTooLarge));
    }

    [Fact]
    public async Task Echo_fills_in_the_timestamp_and_nulls_for_absent_fields()
    {
        var response = await PostAsync("/echo", """{"event_type":"ping"}""");
        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("Echo received", response.Field("message"));
        Assert.Equal("ping", response.Data.GetProperty("event_type").GetString());
        Assert.Equal(Now, response.Data.GetProperty("timestamp").GetDateTimeOffset());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, response.Data.GetProperty("data").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, response.Data.GetProperty("user_id").ValueKind);
    }

    [Fact]
    public async Task Echo_keeps_a_given_timestamp_and_data()
    {
        var response = await PostAsync("/echo", """{"event_type":"ping","timestamp":"2025-01-02T03:04:05Z","data":{"k":[1,2]},"user_id":"u"}""");
        Assert.Equal(new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero), response.Data.GetProperty("timestamp").GetDateTimeOffset());
        Assert.Equal("""{"k":[1,2]}""", response.Data.GetProperty("data").GetRawText());
        Assert.Equal("u", response.Data.GetProperty("user_id").GetString());
    }
}
