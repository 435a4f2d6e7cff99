using Microsoft.Playwright;
using Postcall.Hosting;
using Postcall.Tests.Support;

namespace Postcall.Tests.Dashboard;

/// <summary>
/// The service on real Kestrel, seeded with demo calls through the signed endpoint, and Debian's headless Chromium
/// driven by Playwright. <c>CHROMIUM_PATH</c> points elsewhere; no browser is ever downloaded.
/// </summary>
public sealed class DashboardHost : IAsyncLifetime
{
    public const string ApiKey = "dashboard-test-key-7d1f0c2b9a";

    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--disable-quic", "--mute-audio",
    ];

    private IPlaywright? _playwright;

    public KestrelHost Service { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public long Now { get; } = DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    public async ValueTask InitializeAsync()
    {
        Service = await KestrelHost.StartAsync(new() { [PostcallSettings.ApiKeyVariable] = ApiKey });
        using (var client = Service.CreateClient())
        {
            await DemoCalls.SeedAsync(client, Now);
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await LaunchChromiumAsync(_playwright);
    }

    /// <summary>A fresh browser profile (empty session storage), desktop-sized unless told otherwise.</summary>
    /// <summary>Debian's Chromium, headless: the browser every dashboard test drives (none is ever downloaded).</summary>
    public static Task<IBrowser> LaunchChromiumAsync(IPlaywright playwright)
    {
        ArgumentNullException.ThrowIfNull(playwright);
        return playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium",
            Headless = true,
            Args = ChromiumArgs,
        });
    }

    public Task<IBrowserContext> NewContextAsync(int width = 1280, int height = 860) => Browser.NewContextAsync(new BrowserNewContextOptions
    {
        BaseURL = Service.BaseAddress.ToString(),
        ViewportSize = new ViewportSize { Width = width, Height = height },
        ColorScheme = ColorScheme.Light,
        Locale = "en-GB",
        TimezoneId = "UTC",
    });

    /// <summary>Opens the dashboard and signs in with the key.</summary>
    public static async Task<IPage> SignedInAsync(IBrowserContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/dashboard");
        await page.GetByLabel("API key").FillAsync(ApiKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Open" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("conversation").First).ToBeVisibleAsync();
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        await Service.DisposeAsync();
    }
}
