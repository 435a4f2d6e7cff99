using System.Net;
using Postcall.Tests.Conversations;
using Postcall.Tests.Support;

namespace Postcall.Tests.Dashboard;

public sealed class DashboardEndpointTests : ApiTests
{
    [Theory]
    [InlineData("/dashboard", "text/html")]
    [InlineData("/dashboard/dashboard.js", "text/javascript")]
    [InlineData("/dashboard/dashboard.css", "text/css")]
    [InlineData("/dashboard/icon.svg", "image/svg+xml")]
    public async Task The_page_and_its_files_are_served_from_the_executable_with_a_strict_policy(string path, string contentType)
    {
        using var response = await Factory.CreateClient().GetAsync(new Uri(path, UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType!.MediaType);
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());

        var again = new HttpRequestMessage(HttpMethod.Get, path);
        again.Headers.IfNoneMatch.Add(response.Headers.ETag!);
        using var cached = await Factory.CreateClient().SendAsync(again, Ct);
        Assert.Equal(HttpStatusCode.NotModified, cached.StatusCode);
    }

    [Fact]
    public async Task The_page_loads_nothing_from_other_hosts()
    {
        var html = await Factory.CreateClient().GetStringAsync(new Uri("/dashboard", UriKind.Relative), Ct);
        Assert.DoesNotContain("http://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("//cdn", html, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("/dashboard/missing.js")]
    [InlineData("/dashboard/..%2Fopenapi.json")]
    public async Task Unknown_files_are_404(string path)
    {
        var response = await Envelope.SendAsync(Factory.CreateClient(), new HttpRequestMessage(HttpMethod.Get, path));
        Assert.Equal(HttpStatusCode.NotFound, response.Status);
    }
}
