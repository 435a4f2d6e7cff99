using System.Net.Http.Headers;
using System.Text;
using Microsoft.Playwright;
using Postcall.Hosting;
using Postcall.Reconciling;
using Postcall.Tests.Reconciling;
using Postcall.Tests.Support;

namespace Postcall.Tests.Dashboard;

/// <summary>The dashboard says, above every page, when ElevenLabs has disabled the post-call webhook, and what to do.</summary>
[Trait("Needs", "browser")]
public sealed class DashboardWebhookBannerTests
{
    private const string AdminKey = "dashboard-banner-admin-key-27c1";

    [Fact]
    public async Task An_auto_disabled_post_call_webhook_shows_a_banner_with_what_to_do()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using var standIn = await ConversationsApiStandIn.StartAsync();
        await using var service = await KestrelHost.StartAsync(new()
        {
            [PostcallSettings.AdminKeyVariable] = AdminKey,
            [ElevenLabsApiSettings.ApiKeyVariable] = ConversationsApiStandIn.Key,
            [ElevenLabsApiSettings.BaseUrlVariable] = standIn.BaseUrl.AbsoluteUri,
            [ReconcileSettings.IntervalVariable] = "off",
        });
        using (var client = service.CreateClient())
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/reconcile")
            {
                Content = new StringContent("""{"since": "2026-01-01"}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
            (await client.SendAsync(request, cancel)).EnsureSuccessStatusCode();
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (!(await GetStringAsync(client, "/api/reconcile", cancel)).Contains("\"check\":\"ok\"", StringComparison.Ordinal))
            {
                Assert.True(DateTime.UtcNow < deadline, "the sweep never read the webhooks");
                await Task.Delay(100, cancel);
            }
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await DashboardHost.LaunchChromiumAsync(playwright);
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = service.BaseAddress.ToString() });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/dashboard");
        var banner = page.GetByTestId("webhook-banner");
        await Assertions.Expect(banner).ToBeHiddenAsync();
        await page.GetByLabel("API key").FillAsync(AdminKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Open" }).ClickAsync();

        await Assertions.Expect(banner).ToContainTextAsync("ElevenLabs webhook Staging receiver is auto-disabled by ElevenLabs.");
        await Assertions.Expect(banner).ToContainTextAsync("re-enable the webhook in ElevenLabs");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(banner).ToBeHiddenAsync();
    }

    private static async Task<string> GetStringAsync(HttpClient client, string path, CancellationToken cancel)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        using var response = await client.SendAsync(request, cancel);
        return await response.Content.ReadAsStringAsync(cancel);
    }
}
