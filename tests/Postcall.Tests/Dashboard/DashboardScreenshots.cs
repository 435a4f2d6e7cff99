using Microsoft.Playwright;

namespace Postcall.Tests.Dashboard;

/// <summary>
/// Renders the list and a conversation, checks the pictures are real, and with <c>POSTCALL_SCREENSHOTS_DIR</c> set
/// writes them there. The pictures in docs/images are made with
/// <c>POSTCALL_SCREENSHOTS_DIR=$PWD/docs/images dotnet test tests/Postcall.Tests --filter DashboardScreenshots</c>.
/// </summary>
[Trait("Needs", "browser")]
public sealed class DashboardScreenshots(DashboardHost host) : IClassFixture<DashboardHost>
{
    [Fact]
    public async Task The_list_and_a_conversation_render_on_desktop_and_phone()
    {
        var keep = Environment.GetEnvironmentVariable("POSTCALL_SCREENSHOTS_DIR");
        var target = keep ?? Directory.CreateTempSubdirectory("postcall-shots-").FullName;
        try
        {
            await using var context = await host.NewContextAsync();
            var page = await DashboardHost.SignedInAsync(context);
            await Shoot(page, Path.Combine(target, "dashboard-list.png"));

            await page.GetByTestId("conversation").Filter(new() { HasText = "refund" }).ClickAsync();
            await Assertions.Expect(page.GetByTestId("transcript")).ToBeVisibleAsync();
            await page.EvaluateAsync("() => new Promise(r => { const a = document.querySelector('audio'); if (a.readyState >= 1) r(); else a.addEventListener('loadedmetadata', r); })");
            await Shoot(page, Path.Combine(target, "dashboard-conversation.png"));

            await using var phone = await host.NewContextAsync(390, 844);
            var small = await DashboardHost.SignedInAsync(phone);
            await small.GetByTestId("conversation").Filter(new() { HasText = "refund" }).ClickAsync();
            await Assertions.Expect(small.GetByTestId("transcript")).ToBeVisibleAsync();
            await Shoot(small, Path.Combine(target, "dashboard-phone.png"), fullPage: true);
        }
        finally
        {
            if (keep is null)
            {
                Directory.Delete(target, recursive: true);
            }
        }
    }

    private static async Task Shoot(IPage page, string path, bool fullPage = false)
    {
        await page.ScreenshotAsync(new() { Path = path, FullPage = fullPage });
        var png = await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken);
        Assert.True(png.Length > 10_000, $"{path} is only {png.Length} bytes");
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
    }
}
