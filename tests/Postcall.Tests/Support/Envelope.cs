using System.Net;
using System.Text.Json;

namespace Postcall.Tests.Support;

/// <summary>A response read back as the service's envelope.</summary>
public sealed record Envelope(HttpStatusCode Status, JsonElement Body, string? RequestIdHeader)
{
    public string Field(string name) => Body.GetProperty(name).GetString()!;

    public JsonElement Data => Body.GetProperty("data");

    public string ErrorCode => Field("error_code");

    public static async Task<Envelope> ReadAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        var body = JsonDocument.Parse(text).RootElement.Clone();
        response.Headers.TryGetValues("X-Request-ID", out var ids);
        return new Envelope(response.StatusCode, body, ids?.SingleOrDefault());
    }

    public static async Task<Envelope> SendAsync(HttpClient client, HttpRequestMessage request)
    {
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        return await ReadAsync(response);
    }

    /// <summary>Asserts the error envelope's shape and returns its code.</summary>
    public string AssertError(HttpStatusCode expected)
    {
        Assert.Equal(expected, Status);
        Assert.Equal("error", Field("status"));
        Assert.False(string.IsNullOrWhiteSpace(Field("message")));
        Assert.Equal(RequestIdHeader, Field("request_id"));
        Assert.DoesNotContain("   at ", Body.GetRawText(), StringComparison.Ordinal);
        return ErrorCode;
    }
}
