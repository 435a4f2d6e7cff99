using Microsoft.Playwright;
using Postcall.Tests.Support;

namespace Postcall.Tests.Dashboard;

/// <summary>The dashboard in real headless Chromium against the real service: what a person does with it.</summary>
[Trait("Needs", "browser")]
public sealed class DashboardTests(DashboardHost host) : IClassFixture<DashboardHost>
{
    private static ILocator Conversations(IPage page) => page.GetByTestId("conversation");

    [Fact]
    public async Task A_wrong_key_is_refused_and_the_right_one_lists_the_calls()
    {
        await using var context = await host.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync("/dashboard");
        await page.GetByLabel("API key").FillAsync("not-the-key-at-all");
        await page.GetByRole(AriaRole.Button, new() { Name = "Open" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("That key was not accepted.");

        await page.GetByLabel("API key").FillAsync(DashboardHost.ApiKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Open" }).ClickAsync();
        await Assertions.Expect(Conversations(page).Filter(new() { HasText = "refund on order 4471" })).ToBeVisibleAsync();
        await Assertions.Expect(Conversations(page).Filter(new() { HasText = "Never connected" })).ToBeVisibleAsync();

        // The key lives in this tab's session only: never in local storage, gone in a new profile, gone on sign-out.
        Assert.Equal(DashboardHost.ApiKey, await page.EvaluateAsync<string>("() => sessionStorage.getItem('postcall.apiKey')"));
        Assert.Equal(0, await page.EvaluateAsync<int>("() => localStorage.length"));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(page.GetByLabel("API key")).ToBeVisibleAsync();
        Assert.Null(await page.EvaluateAsync<string?>("() => sessionStorage.getItem('postcall.apiKey')"));
    }

    [Fact]
    public async Task Searching_narrows_the_list_to_matching_transcripts_and_highlights_the_words()
    {
        await using var context = await host.NewContextAsync();
        var page = await DashboardHost.SignedInAsync(context);
        await page.GetByPlaceholder("Search transcripts and summaries").FillAsync("thursday");
        await Assertions.Expect(Conversations(page)).ToHaveCountAsync(1);
        await Assertions.Expect(Conversations(page).First).ToContainTextAsync("Thursday at ten works");
        await Assertions.Expect(page.Locator("mark").First).ToHaveTextAsync("Thursday");

        await page.GetByPlaceholder("Search transcripts and summaries").FillAsync("no such words anywhere");
        await Assertions.Expect(page.GetByText("No conversation matches.")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Filters_narrow_the_list()
    {
        await using var context = await host.NewContextAsync();
        var page = await DashboardHost.SignedInAsync(context);
        await page.GetByText("Filters").ClickAsync();
        await page.GetByLabel("Outcome").SelectOptionAsync("failure");
        await Assertions.Expect(Conversations(page)).ToHaveCountAsync(1);
        await Assertions.Expect(Conversations(page).First).ToContainTextAsync("duplicate charge");
        await Assertions.Expect(page.Locator("#filter-count")).ToHaveTextAsync("(1)");

        await page.GetByRole(AriaRole.Button, new() { Name = "Clear" }).ClickAsync();
        await page.GetByLabel("Agent").FillAsync("sales-agent");
        await page.GetByLabel("Agent").PressAsync("Enter");
        await Assertions.Expect(Conversations(page)).ToHaveCountAsync(2);
    }

    [Fact]
    public async Task Opening_a_call_shows_the_chat_summary_evaluation_and_collected_data()
    {
        await using var context = await host.NewContextAsync();
        var page = await DashboardHost.SignedInAsync(context);
        await Conversations(page).Filter(new() { HasText = "refund on order 4471" }).ClickAsync();

        var transcript = page.GetByTestId("transcript");
        await Assertions.Expect(transcript.Locator(".turn")).ToHaveCountAsync(5);
        await Assertions.Expect(transcript.Locator(".turn.user").First).ToContainTextAsync("my order 4471 arrived a week late");
        await Assertions.Expect(transcript.Locator(".turn.agent").First).ToContainTextAsync("0:00");
        await Assertions.Expect(transcript.Locator(".turn.user").Last).ToContainTextAsync("0:31");
        await Assertions.Expect(transcript.GetByText("Tool call: lookup_order")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".summary-text")).ToContainTextAsync("issued a full refund and emailed a confirmation");
        await Assertions.Expect(page.Locator(".criteria li").Filter(new() { HasText = "resolved" })).ToContainTextAsync("success");
        await Assertions.Expect(page.Locator(".criteria li").Filter(new() { HasText = "order_number" })).ToContainTextAsync("4471");
        Assert.EndsWith("#/c/conv_refund_7f3a", page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_recording_plays_and_seeks_by_range_requests()
    {
        await using var context = await host.NewContextAsync();
        var page = await DashboardHost.SignedInAsync(context);
        var ranges = new List<(int Status, string? ContentRange)>();
        page.Response += (_, response) =>
        {
            if (response.Url.Contains("/audio?access=", StringComparison.Ordinal))
            {
                ranges.Add((response.Status, response.Headers.GetValueOrDefault("content-range")));
            }
        };
        await Conversations(page).Filter(new() { HasText = "refund on order 4471" }).ClickAsync();
        var audio = page.GetByTestId("audio");
        await Assertions.Expect(audio).ToBeVisibleAsync();
        await page.WaitForFunctionAsync("() => document.querySelector('audio').readyState >= 1");
        Assert.Equal(3.7, await audio.EvaluateAsync<double>("a => a.duration"), 0.3);

        // The agent's second line starts at 0:11, past the end of this short recording; the first at 0:00 plays from the start.
        await page.GetByTestId("transcript").Locator(".time").First.ClickAsync();
        await page.WaitForFunctionAsync("() => { const a = document.querySelector('audio'); return !a.paused && a.currentTime > 0.3; }");

        await audio.EvaluateAsync("a => { a.pause(); a.currentTime = 2.5; }");
        await page.WaitForFunctionAsync("() => { const a = document.querySelector('audio'); return !a.seeking && Math.abs(a.currentTime - 2.5) < 0.2; }");
        Assert.True(await audio.EvaluateAsync<bool>("a => a.seekable.length > 0 && a.seekable.end(0) > 3"));
        Assert.Contains(ranges, r => r.Status == 206 && r.ContentRange?.StartsWith("bytes ", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task A_player_whose_link_stopped_working_gets_a_fresh_one()
    {
        await using var context = await host.NewContextAsync();
        var page = await DashboardHost.SignedInAsync(context);
        await Conversations(page).Filter(new() { HasText = "refund on order 4471" }).ClickAsync();
        await page.WaitForFunctionAsync("() => document.querySelector('audio')?.readyState >= 1");
        var first = await page.GetByTestId("audio").EvaluateAsync<string>("a => a.src");

        // As an expired link would: the server refuses it, the player reports an error.
        await page.GetByTestId("audio").EvaluateAsync("a => { a.src = a.src + '0'; }");
        await page.WaitForFunctionAsync($"() => {{ const a = document.querySelector('audio'); return a.src !== '{first}0' && a.readyState >= 1; }}");
        Assert.Null(await page.EvaluateAsync<string?>("() => document.querySelector('audio').error?.message ?? null"));
    }

    [Fact]
    public async Task A_call_that_never_connected_shows_why()
    {
        await using var context = await host.NewContextAsync();
        var page = await DashboardHost.SignedInAsync(context);
        await Conversations(page).Filter(new() { HasText = "Never connected" }).ClickAsync();
        var failure = page.GetByTestId("failure");
        await Assertions.Expect(failure).ToContainTextAsync("busy");
        await Assertions.Expect(failure).ToContainTextAsync("INVITE failed: sip status: 486: Busy here (SIP 486)");
        await Assertions.Expect(failure).ToContainTextAsync("sip");
        await Assertions.Expect(failure.Locator("dd").Filter(new() { HasText = "486" }).First).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_new_call_appears_without_a_reload()
    {
        await using var context = await host.NewContextAsync();
        var page = await DashboardHost.SignedInAsync(context);
        var before = await Conversations(page).CountAsync();

        var call = DemoCalls.Calls(host.Now)[1] with
        {
            ConversationId = "conv_live_arrival",
            AgentId = "live-agent",
            StartedAt = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            Summary = "A caller who rang while the dashboard was open.",
            // Its own words: other tests here search the seeded calls, and xunit may run this one first.
            Turns = [("user", "Hello, is anyone there?", 1), ("agent", "Yes, how can I help?", 3)],
        };
        using (var client = host.Service.CreateClient())
        {
            await DemoCalls.SendAsync(client, DemoCalls.Transcription(call));
        }

        await Assertions.Expect(Conversations(page).First).ToContainTextAsync("rang while the dashboard was open", new() { Timeout = 15_000 });
        await Assertions.Expect(Conversations(page)).ToHaveCountAsync(before + 1);
    }

    [Fact]
    public async Task Deleting_a_call_from_its_page_removes_it_after_confirmation()
    {
        var call = DemoCalls.Calls(host.Now)[3] with { ConversationId = "conv_privacy_request", AgentId = "privacy-agent", Summary = "A caller asked to be forgotten." };
        using var client = host.Service.CreateClient();
        await DemoCalls.SendAsync(client, DemoCalls.Transcription(call));

        await using var context = await host.NewContextAsync();
        var page = await DashboardHost.SignedInAsync(context);
        await page.GotoAsync("/dashboard#/c/conv_privacy_request");
        await Assertions.Expect(page.GetByTestId("transcript")).ToBeVisibleAsync();

        page.Dialog += (_, dialog) => _ = dialog.Message.Contains("conv_privacy_request", StringComparison.Ordinal) ? dialog.AcceptAsync() : dialog.DismissAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete conversation" }).ClickAsync();

        await Assertions.Expect(page.GetByText("Choose a conversation")).ToBeVisibleAsync();
        await Assertions.Expect(Conversations(page).Filter(new() { HasText = "asked to be forgotten" })).ToHaveCountAsync(0);
        Assert.False(Directory.Exists(Path.Combine(host.Service.PayloadRoot, "conv_privacy_request")));
    }

    [Fact]
    public async Task An_event_type_this_version_does_not_know_shows_as_an_extra_file_of_its_call()
    {
        using var client = host.Service.CreateClient();
        // Its own agent, outcome and words: the other dashboard tests share this service and count what they find.
        var call = DemoCalls.Calls(host.Now)[3] with
        {
            ConversationId = "conv_with_video",
            AgentId = "video-agent",
            Summary = "A call that also sent a video event.",
            Turns = [("agent", "This call also sent a video event.", 0)],
        };
        await DemoCalls.SendAsync(client, DemoCalls.Transcription(call));
        await DemoCalls.SendAsync(client, """{"type":"post_call_video","event_timestamp":1,"data":{"agent_id":"video-agent","conversation_id":"conv_with_video"}}""");

        await using var context = await host.NewContextAsync();
        var page = await DashboardHost.SignedInAsync(context);
        await page.GotoAsync("/dashboard#/c/conv_with_video");
        var extra = page.GetByTestId("other-payload");
        await Assertions.Expect(extra).ToHaveTextAsync("Download post_call_video JSON");
        await Assertions.Expect(Conversations(page).Filter(new() { HasText = "post_call_video" })).ToHaveCountAsync(1);

        var download = await page.RunAndWaitForDownloadAsync(() => extra.ClickAsync());
        Assert.Equal("conv_with_video_post_call_video.json", download.SuggestedFilename);
    }

    [Fact]
    public async Task Markup_in_a_transcript_is_shown_as_text_never_run()
    {
        const string Hostile = "<img src=x onerror=\"window.pwned=1\"><script>window.pwned=2</script>";
        var call = DemoCalls.Calls(host.Now)[3] with
        {
            ConversationId = "conv_markup",
            StartedAt = host.Now - 30,
            Summary = $"Summary {Hostile}",
            Turns = [("user", $"Message {Hostile}", 1)],
        };
        using (var client = host.Service.CreateClient())
        {
            await DemoCalls.SendAsync(client, DemoCalls.Transcription(call));
        }

        await using var context = await host.NewContextAsync();
        var page = await DashboardHost.SignedInAsync(context);
        await page.GotoAsync("/dashboard#/c/conv_markup");
        await Assertions.Expect(page.GetByTestId("transcript")).ToContainTextAsync("Message <img src=x");
        await Assertions.Expect(page.Locator(".summary-text")).ToContainTextAsync("<script>window.pwned=2</script>");
        Assert.Equal(0, await page.Locator(".detail img, .detail script").CountAsync());
        Assert.True(await page.EvaluateAsync<bool>("() => window.pwned === undefined"));
    }

    [Fact]
    public async Task On_a_phone_the_list_and_the_call_take_turns()
    {
        await using var context = await host.NewContextAsync(390, 844);
        var page = await DashboardHost.SignedInAsync(context);
        await Assertions.Expect(page.GetByTestId("transcript")).ToHaveCountAsync(0);
        var widest = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
        Assert.True(widest <= 390, $"the list is {widest}px wide on a 390px screen");

        await Conversations(page).Filter(new() { HasText = "product demo" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("transcript")).ToBeVisibleAsync();
        await Assertions.Expect(Conversations(page).First).ToBeHiddenAsync();
        Assert.True(await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= 390);

        await page.GetByRole(AriaRole.Link, new() { Name = "← All conversations" }).ClickAsync();
        await Assertions.Expect(Conversations(page).First).ToBeVisibleAsync();
    }
}
