using System.Text.Json;

namespace Postcall.Tests.Conversations;

public sealed class ApiDocumentTests : ApiTests
{
    [Fact]
    public async Task Every_read_operation_is_documented_with_the_bearer_scheme()
    {
        var text = await Factory.CreateClient().GetStringAsync(new Uri("/openapi.json", UriKind.Relative), Ct);
        using var document = JsonDocument.Parse(text);
        var root = document.RootElement;

        var scheme = root.GetProperty("components").GetProperty("securitySchemes").GetProperty("api_key");
        Assert.Equal(("http", "bearer"), (scheme.GetProperty("type").GetString(), scheme.GetProperty("scheme").GetString()));

        var paths = root.GetProperty("paths");
        var operations = new[]
        {
            ("/api/conversations", "get"), ("/api/conversations/{id}", "get"), ("/api/conversations/{id}", "delete"),
            ("/api/conversations/{id}/audio", "get"), ("/api/conversations/{id}/raw/{kind}", "get"),
            ("/api/destinations", "get"), ("/api/destinations", "post"), ("/api/destinations/{id}", "patch"),
            ("/api/destinations/{id}", "delete"), ("/api/destinations/{id}/retry-failed", "post"), ("/api/forwards", "get"),
            ("/api/forwards/{id}", "get"), ("/api/forwards/{id}/retry", "post"), ("/api/conversations/{id}/forward", "post"),
        };
        foreach (var (path, method) in operations)
        {
            var operation = paths.GetProperty(path).GetProperty(method);
            var requirement = Assert.Single(operation.GetProperty("security").EnumerateArray());
            Assert.True(requirement.TryGetProperty("api_key", out _), $"{method} {path} does not require api_key");
            Assert.True(operation.GetProperty("responses").TryGetProperty("401", out _), $"{method} {path} does not document 401");
        }

        var parameters = paths.GetProperty("/api/conversations").GetProperty("get").GetProperty("parameters").EnumerateArray()
            .Select(p => p.GetProperty("name").GetString()).ToList();
        Assert.Equal(["agent_id", "status", "call_successful", "from", "to", "q", "limit", "cursor", "audio"], parameters);
        Assert.False(paths.TryGetProperty("/dashboard", out _));
        Assert.False(paths.GetProperty("/webhook/post-call").GetProperty("post").TryGetProperty("security", out _));
    }
}
