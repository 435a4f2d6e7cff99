using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Postcall.ElevenLabs;
using Postcall.Forwarding;
using Postcall.Handlers;
using Postcall.Hosting;
using Postcall.Tests.Support;

namespace Postcall.Tests.Dashboard;

/// <summary>A handler in the dashboard, in real headless Chromium: on the Destinations page, with its dead deliveries and their errors.</summary>
[Trait("Needs", "browser")]
public sealed class DashboardHandlerTests : IAsyncLifetime
{
    private const string AdminKey = "dashboard-admin-key-8a2c51";
    private KestrelHost _service = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async ValueTask InitializeAsync()
    {
        _service = await KestrelHost.StartAsync(new()
        {
            [PostcallSettings.AdminKeyVariable] = AdminKey,
            [ForwardSettings.RetryScheduleVariable] = "0s",
        }, services => services.AddPostCallHandler<FailingHandler>("crm-sync"));
        using (var client = _service.CreateClient())
        {
            using var request = Deliveries.SignedRequest(Deliveries.Transcription("dash-handler"));
            (await client.SendAsync(request, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        }

        _playwright = await Playwright.CreateAsync();
        _browser = await DashboardHost.LaunchChromiumAsync(_playwright);
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _service.DisposeAsync();
    }

    [Fact]
    public async Task A_handler_is_listed_with_its_dead_deliveries_and_their_errors()
    {
        await using var context = await _browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _service.BaseAddress.ToString(), Locale = "en-GB", TimezoneId = "UTC" });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/dashboard");
        await page.GetByLabel("API key").FillAsync(AdminKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Open" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("conversation").First).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Destinations" }).ClickAsync();
        var handler = page.GetByTestId("destination");
        await Assertions.Expect(handler).ToContainTextAsync("postcall-handler:crm-sync");
        await Assertions.Expect(handler).ToContainTextAsync("Handler");
        await Assertions.Expect(handler).ToContainTextAsync("A handler in the app's code");
        // Dead once its one attempt failed; the page shows it after the next refresh.
        for (var reloads = 0; reloads < 20 && await handler.GetByTestId("retry-dead").TextContentAsync() != "Retry dead forwards (1)"; reloads++)
        {
            await Task.Delay(250, TestContext.Current.CancellationToken);
            await page.ReloadAsync();
            await handler.WaitForAsync();
        }

        await Assertions.Expect(handler.GetByTestId("retry-dead")).ToHaveTextAsync("Retry dead forwards (1)");
        await handler.GetByRole(AriaRole.Button, new() { Name = "Show dead forwards" }).ClickAsync();
        var forward = handler.GetByTestId("forward");
        await Assertions.Expect(forward).ToContainTextAsync("Dead");
        await forward.GetByRole(AriaRole.Button, new() { Name = "Attempts (1)" }).ClickAsync();
        await Assertions.Expect(forward.GetByTestId("attempt")).ToContainTextAsync("the CRM is down");
    }

    private sealed class FailingHandler : PostCallHandler
    {
        public override Task HandleTranscriptionAsync(TranscriptionEvent transcription, PostCallHandlerContext context, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("the CRM is down");
    }
}
