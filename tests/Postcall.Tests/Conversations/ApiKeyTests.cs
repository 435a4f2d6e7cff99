using System.Net;
using System.Net.Http.Headers;
using Postcall.Access;
using Postcall.Hosting;
using Postcall.Http;
using Postcall.Tests.Support;

namespace Postcall.Tests.Conversations;

public sealed class ApiKeyTests : ApiTests
{
    public ApiKeyTests()
        : base(new() { [PostcallSettings.ApiKeyVariable] = $"{Key}, second-key-0123456789" })
    {
    }

    private async Task<Envelope> ListWith(string? authorization)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/conversations");
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        return await Envelope.SendAsync(Factory.CreateClient(), request);
    }

    [Fact]
    public async Task Missing_and_wrong_keys_get_401_envelopes_and_right_keys_get_in()
    {
        Assert.Equal(ErrorCodes.ApiKeyMissing, (await ListWith(null)).AssertError(HttpStatusCode.Unauthorized));
        Assert.Equal(ErrorCodes.ApiKeyInvalid, (await ListWith($"Bearer {Key}x")).AssertError(HttpStatusCode.Unauthorized));
        Assert.Equal(ErrorCodes.ApiKeyInvalid, (await ListWith($"Basic {Key}")).AssertError(HttpStatusCode.Unauthorized));
        Assert.Equal(ErrorCodes.ApiKeyInvalid, (await ListWith("Bearer ")).AssertError(HttpStatusCode.Unauthorized));

        Assert.Equal(HttpStatusCode.OK, (await ListWith($"Bearer {Key}")).Status);
        Assert.Equal(HttpStatusCode.OK, (await ListWith("bearer second-key-0123456789")).Status);
    }

    [Fact]
    public async Task A_401_names_the_scheme_and_says_nothing_about_the_keys()
    {
        using var response = await Factory.CreateClient().GetAsync(new Uri("/api/conversations/abc", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.DoesNotContain(Key, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_read_route_needs_the_key()
    {
        foreach (var (method, path) in new[]
        {
            (HttpMethod.Get, "/api/conversations"), (HttpMethod.Get, "/api/conversations/abc"), (HttpMethod.Get, "/api/conversations/abc/audio"),
            (HttpMethod.Get, "/api/conversations/abc/raw/transcription"), (HttpMethod.Delete, "/api/conversations/abc"),
        })
        {
            var response = await Envelope.SendAsync(Factory.CreateClient(), new HttpRequestMessage(method, path));
            Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        }
    }

    [Fact]
    public async Task After_ten_failed_attempts_wrong_keys_get_429_but_the_right_key_still_works()
    {
        for (var i = 0; i < FailedAttemptLimiter.Attempts; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await ListWith($"Bearer guess-{i}")).Status);
        }

        var refused = await ListWith("Bearer one-guess-too-many");
        Assert.Equal(ErrorCodes.TooManyAttempts, refused.AssertError(HttpStatusCode.TooManyRequests));
        using var missing = await Factory.CreateClient().GetAsync(new Uri("/api/conversations", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, missing.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(60), missing.Headers.RetryAfter!.Delta);

        // Whoever failed from this address, a key holder is never locked out.
        Assert.Equal(HttpStatusCode.OK, (await ListWith($"Bearer {Key}")).Status);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await ListWith("Bearer still-guessing")).Status);
    }

    [Fact]
    public async Task Successful_requests_do_not_count_towards_the_limit()
    {
        for (var i = 0; i < 3 * FailedAttemptLimiter.Attempts; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await ListWith($"Bearer {Key}")).Status);
        }
    }

    [Fact]
    public void Keys_are_compared_whole()
    {
        var check = new ApiKeyCheck(["abcdefghijklmnop", "qrstuvwxyz0123456"]);
        Assert.True(check.IsAuthorized("Bearer abcdefghijklmnop"));
        Assert.True(check.IsAuthorized("BEARER   qrstuvwxyz0123456  "));
        Assert.False(check.IsAuthorized("Bearer abcdefghijklmno"));
        Assert.False(check.IsAuthorized("Bearer abcdefghijklmnopq"));
        Assert.False(check.IsAuthorized("abcdefghijklmnop"));
        Assert.False(check.IsAuthorized(null));
        Assert.False(new ApiKeyCheck([]).IsAuthorized("Bearer "));
    }
}

/// <summary>Without POSTCALL_API_KEY nothing under /api or /dashboard exists.</summary>
public sealed class ApiOffTests : ServiceTests
{
    [Theory]
    [InlineData("/api/conversations")]
    [InlineData("/api/conversations/abc")]
    [InlineData("/api/conversations/abc/audio")]
    [InlineData("/dashboard")]
    [InlineData("/dashboard/dashboard.js")]
    public async Task Read_api_and_dashboard_are_404_without_a_configured_key(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "anything-at-all-123");
        Assert.Equal(ErrorCodes.NotFound, (await Envelope.SendAsync(Factory.CreateClient(), request)).AssertError(HttpStatusCode.NotFound));
    }

    [Fact]
    public void A_short_key_stops_start_up_without_echoing_it()
    {
        var error = Assert.Throws<SettingsException>(() => PostcallSettings.Load(name => name == PostcallSettings.ApiKeyVariable ? "good-key-0123456789,short" : null));
        Assert.Contains(PostcallSettings.ApiKeyVariable, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("good-key-0123456789", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("'short'", error.Message, StringComparison.Ordinal);
    }
}
