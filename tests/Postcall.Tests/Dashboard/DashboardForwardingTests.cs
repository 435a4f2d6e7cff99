using Microsoft.Playwright;
using Postcall.Forwarding;
using Postcall.Hosting;
using Postcall.Tests.Support;

namespace Postcall.Tests.Dashboard;

/// <summary>Forwarding in the dashboard, in real headless Chromium: where a call went, its attempts, replay, and the Destinations page.</summary>
[Trait("Needs", "browser")]
public sealed class DashboardForwardingTests : IAsyncLifetime
{
    private const string AdminKey = "dashboard-admin-key-4e1b7a";
    private const string ReadKey = "dashboard-read-key-9c3d2f";
    private ForwardReceiver _receiver = null!;
    private KestrelHost _service = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async ValueTask InitializeAsync()
    {
        _receiver = await ForwardReceiver.StartAsync();
        _receiver.Respond = (_, _) => new(500, "receiver is down");
        _service = await KestrelHost.StartAsync(new()
        {
            [PostcallSettings.AdminKeyVariable] = AdminKey,
            [PostcallSettings.ApiKeyVariable] = ReadKey,
            [ForwardSettings.UrlsVariable] = _receiver.Url.AbsoluteUri,
            [ForwardSettings.RetryScheduleVariable] = "0s",
        });
        using (var client = _service.CreateClient())
        {
            using var request = Deliveries.SignedRequest(Deliveries.Transcription("dash-forward"));
            (await client.SendAsync(request, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        }

        await _receiver.WaitForAsync(_ => true);
        _playwright = await Playwright.CreateAsync();
        _browser = await DashboardHost.LaunchChromiumAsync(_playwright);
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _service.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    private async Task<(IBrowserContext Context, IPage Page)> SignInAsync(string key)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _service.BaseAddress.ToString(), Locale = "en-GB", TimezoneId = "UTC" });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/dashboard");
        await page.GetByLabel("API key").FillAsync(key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Open" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("conversation").First).ToBeVisibleAsync();
        return (context, page);
    }

    [Fact]
    public async Task A_call_shows_where_it_went_with_each_attempt_and_a_dead_forward_is_retried_from_its_page()
    {
        var (context, page) = await SignInAsync(AdminKey);
        await using (context)
        {
            await page.GetByTestId("conversation").First.ClickAsync();
            var forward = page.GetByTestId("forward");
            await Assertions.Expect(forward).ToContainTextAsync("Dead");
            await Assertions.Expect(forward).ToContainTextAsync("last answer 500");

            await forward.GetByRole(AriaRole.Button, new() { Name = "Attempts (1)" }).ClickAsync();
            await Assertions.Expect(forward.GetByTestId("attempt")).ToContainTextAsync("receiver is down");

            _receiver.Respond = (_, _) => ForwardReceiver.Answer.Ok;
            await forward.GetByTestId("retry-forward").ClickAsync();
            // The card refreshes after the retry is accepted; a reopened page shows the delivery once it is made.
            await _receiver.WaitForAsync(_ => true, count: 2);
            for (var reloads = 0; reloads < 20 && await page.GetByTestId("forward").Filter(new() { HasText = "Delivered" }).CountAsync() == 0; reloads++)
            {
                await page.ReloadAsync();
                await page.GetByTestId("forward").WaitForAsync();
            }

            await Assertions.Expect(page.GetByTestId("forward")).ToContainTextAsync("Delivered");
        }
    }

    [Fact]
    public async Task The_Destinations_page_shows_each_destination_and_pauses_it_for_an_admin_only()
    {
        var (context, page) = await SignInAsync(ReadKey);
        await using (context)
        {
            await page.GetByRole(AriaRole.Link, new() { Name = "Destinations" }).ClickAsync();
            var destination = page.GetByTestId("destination");
            await Assertions.Expect(destination).ToContainTextAsync(_receiver.Url.AbsoluteUri);
            await Assertions.Expect(destination).ToContainTextAsync("POSTCALL_FORWARD_URLS");
            await Assertions.Expect(destination).ToContainTextAsync("Active");
            await Assertions.Expect(destination.GetByTestId("retry-dead")).ToHaveTextAsync("Retry dead forwards (1)");

            // A read key sees everything but changes nothing.
            await destination.GetByTestId("pause").ClickAsync();
            await Assertions.Expect(destination).ToContainTextAsync("admin key");
        }

        (context, page) = await SignInAsync(AdminKey);
        await using (context)
        {
            await page.GotoAsync("/dashboard#/destinations");
            var destination = page.GetByTestId("destination");
            await destination.GetByTestId("pause").ClickAsync();
            await Assertions.Expect(page.GetByTestId("destination")).ToContainTextAsync("Paused");
            await page.GetByTestId("destination").GetByTestId("pause").ClickAsync();
            await Assertions.Expect(page.GetByTestId("destination")).ToContainTextAsync("Active");

            // The picture in docs/images, made as DashboardScreenshots says.
            if (Environment.GetEnvironmentVariable("POSTCALL_SCREENSHOTS_DIR") is { } keep)
            {
                await page.SetViewportSizeAsync(1280, 720);
                await page.ScreenshotAsync(new() { Path = Path.Combine(keep, "dashboard-destinations.png") });
            }
        }
    }

    [Fact]
    public async Task A_destination_is_replayed_since_a_date_from_its_card_with_its_progress()
    {
        var (context, page) = await SignInAsync(AdminKey);
        await using (context)
        {
            await page.GotoAsync("/dashboard#/destinations");
            var replay = page.GetByTestId("destination").GetByTestId("replay");
            await replay.GetByLabel("Replay calls since").FillAsync("2025-01-01");
            await replay.GetByRole(AriaRole.Button, new() { Name = "Replay to this destination" }).ClickAsync();
            await Assertions.Expect(replay).ToContainTextAsync("Replay completed: 1 calls, 1 forwards made");
        }
    }
}
