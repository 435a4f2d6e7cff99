using System.Net;
using Postcall.Http;
using Postcall.Tests.Support;

namespace Postcall.Tests.Conversations;

public sealed class ListTests : ApiTests
{
    private readonly long _now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    private async Task SeedAsync()
    {
        foreach (var call in DemoCalls.Calls(_now))
        {
            await StoreAsync(DemoCalls.Transcription(call));
        }

        await StoreAsync(DemoCalls.SipFailure("conv_busy_e210", _now - 7_200));
    }

    [Fact]
    public async Task A_stored_delivery_is_listed_as_soon_as_it_is_answered()
    {
        Assert.Empty(await ListIdsAsync());
        await StoreAsync(Deliveries.Transcription("just-now"));
        Assert.Equal(["just-now"], await ListIdsAsync());
    }

    [Fact]
    public async Task Newest_first_with_every_field()
    {
        await SeedAsync();
        Assert.Equal(["conv_refund_7f3a", "conv_booking_2c91", "conv_busy_e210", "conv_billing_9d04", "conv_hours_51be"], await ListIdsAsync());

        var page = await GetAsync("/api/conversations?limit=1");
        var first = page.Data.GetProperty("conversations")[0];
        Assert.Equal("support-agent", first.GetProperty("agent_id").GetString());
        Assert.Equal("done", first.GetProperty("status").GetString());
        Assert.Equal("success", first.GetProperty("call_successful").GetString());
        Assert.Equal(184, first.GetProperty("duration_secs").GetInt32());
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(_now - 600), first.GetProperty("started_at").GetDateTimeOffset());
        Assert.True(first.GetProperty("has_transcription").GetBoolean());
        Assert.False(first.GetProperty("has_audio").GetBoolean());
        Assert.StartsWith("The caller asked for a refund", first.GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.Equal("1 conversation", page.Field("message"));
    }

    [Theory]
    [InlineData("?agent_id=sales-agent", new[] { "conv_booking_2c91", "conv_busy_e210" })]
    [InlineData("?call_successful=failure", new[] { "conv_billing_9d04" })]
    [InlineData("?call_successful=unknown", new[] { "conv_hours_51be" })]
    [InlineData("?status=initiation_failed", new[] { "conv_busy_e210" })]
    [InlineData("?status=done&agent_id=support-agent&call_successful=success", new[] { "conv_refund_7f3a" })]
    [InlineData("?q=refund", new[] { "conv_refund_7f3a" })]
    [InlineData("?q=Thursday%20annual", new[] { "conv_booking_2c91" })]
    [InlineData("?q=sunday", new[] { "conv_hours_51be" })]
    [InlineData("?q=hung", new[] { "conv_billing_9d04" })]
    [InlineData("?q=refund&agent_id=sales-agent", new string[0])]
    [InlineData("?q=%22%20NEAR(%20zzz*", new string[0])]
    [InlineData("?q=%22OR%22", new[] { "conv_refund_7f3a" })]
    [InlineData("?q=ref%00und", new string[0])]
    [InlineData("?q=refund%00", new[] { "conv_refund_7f3a" })]
    [InlineData("?q=%00", new[] { "conv_refund_7f3a", "conv_booking_2c91", "conv_busy_e210", "conv_billing_9d04", "conv_hours_51be" })]
    [InlineData("?q=%1B%0D%0Arefund%7F", new[] { "conv_refund_7f3a" })]
    [InlineData("?agent_id=", new[] { "conv_refund_7f3a", "conv_booking_2c91", "conv_busy_e210", "conv_billing_9d04", "conv_hours_51be" })]
    public async Task Filters_and_search(string query, string[] expected)
    {
        await SeedAsync();
        Assert.Equal(expected, await ListIdsAsync(query));
    }

    [Fact]
    public async Task Time_bounds_take_dates_date_times_and_unix_seconds_inclusively()
    {
        await SeedAsync();
        var booking = DateTimeOffset.FromUnixTimeSeconds(_now - 3_600);
        Assert.Equal(["conv_booking_2c91"], await ListIdsAsync($"?from={_now - 3_600}&to={_now - 3_600}"));
        Assert.Equal(["conv_refund_7f3a", "conv_booking_2c91"], await ListIdsAsync($"?from={Uri.EscapeDataString(booking.ToString("O"))}"));
        var yesterday = DateTimeOffset.FromUnixTimeSeconds(_now - 86_400).UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains("conv_billing_9d04", await ListIdsAsync($"?from={yesterday}&to={yesterday}"));
        Assert.DoesNotContain("conv_hours_51be", await ListIdsAsync($"?from={yesterday}&to={yesterday}"));
    }

    [Fact]
    public async Task Search_results_carry_a_snippet_of_the_transcript()
    {
        await SeedAsync();
        var page = await GetAsync("/api/conversations?q=4471");
        var hit = Assert.Single(page.Data.GetProperty("conversations").EnumerateArray());
        Assert.Contains("4471", hit.GetProperty("snippet").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pages_follow_the_cursor_to_the_end()
    {
        for (var i = 0; i < 7; i++)
        {
            await StoreAsync(Deliveries.Transcription($"page-{i}"));
        }

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await GetAsync($"/api/conversations?limit=3{(cursor is null ? string.Empty : $"&cursor={cursor}")}");
            seen.AddRange(page.Data.GetProperty("conversations").EnumerateArray().Select(c => c.GetProperty("conversation_id").GetString()!));
            cursor = page.Data.GetProperty("next_cursor").GetString();
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"page-{i}").OrderDescending(StringComparer.Ordinal), seen);
    }

    [Fact]
    public async Task An_empty_store_lists_nothing_with_no_cursor()
    {
        var page = await GetAsync("/api/conversations");
        Assert.Empty(page.Data.GetProperty("conversations").EnumerateArray());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, page.Data.GetProperty("next_cursor").ValueKind);
    }

    [Theory]
    [InlineData("?limit=0")]
    [InlineData("?limit=201")]
    [InlineData("?limit=-1")]
    [InlineData("?limit=ten")]
    [InlineData("?cursor=not-a-cursor")]
    [InlineData("?cursor=MTIzfC4uL2V0Yw")]
    [InlineData("?call_successful=maybe")]
    [InlineData("?from=yesterday")]
    [InlineData("?to=2025-13-45")]
    public async Task Bad_parameters_are_400_naming_the_parameter(string query)
    {
        var response = await GetAsync($"/api/conversations{query}");
        Assert.Equal(ErrorCodes.InvalidQuery, response.AssertError(HttpStatusCode.BadRequest));
        Assert.Contains(query[1..query.IndexOf('=', StringComparison.Ordinal)], response.Field("message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_largest_page_is_allowed()
    {
        Assert.Empty(await ListIdsAsync("?limit=200"));
        Assert.Empty(await ListIdsAsync("?limit=1"));
    }

    [Fact]
    public async Task Responses_are_never_cached()
    {
        using var response = await Api().GetAsync(new Uri("/api/conversations", UriKind.Relative), Ct);
        Assert.True(response.Headers.CacheControl!.NoStore);
    }
}
