using Microsoft.Playwright;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>Every console page at 390 px (a phone): nothing scrolls the page sideways and every nav entry can be reached and followed;
/// on the way, every post form carries the antiforgery token and no page has an inline script.</summary>
[Collection("console")]
public class ConsolePhoneWidthTests(ConsoleFixture console)
{
    private const int Width = 390;

    [ChromiumFact]
    public async Task Every_console_page_fits_a_390_px_screen_and_its_nav_is_reachable()
    {
        // A tenant with something on every page: a dead job (email always refused), a sent SMS in the sandbox, a template,
        // a partial, a layout, a category, a webhook endpoint, and the audit entries those made.
        var tenant = await console.NewTenantAsync("""{"permanentRate": 1}""", "email");
        var sms = await console.AddProviderAsync(tenant.Id, "sms", "sandbox", "{}");
        var failed = await console.SendToDeadJobAsync(tenant);
        var template = await tenant.Http.CreateTemplateAsync(TemplateApi.Sms("phone-width-template-with-a-rather-long-key", "Hello {{name}}, " + new string('x', 300)));
        var sent = await tenant.Http.SendOkAsync(new { channel = "sms", recipient = new { phone = "+14155550100" }, template = "phone-width-template-with-a-rather-long-key", data = new { name = "Ada" } });
        await tenant.Http.WaitForStatusAsync(sent, "sent");
        Assert.True((await tenant.Http.PutJsonAsync("/api/v1/admin/templates/partials/footer", new { source = "-- the team" })).IsSuccessStatusCode);
        Assert.True((await tenant.Http.PutJsonAsync("/api/v1/admin/templates/layouts/brand", new { source = "<main>{{{body}}}</main>" })).IsSuccessStatusCode);
        await tenant.Http.PostOkAsync("/api/v1/admin/categories", new { key = "account-security", name = "Account security", required = true });
        await tenant.Http.PostOkAsync("/api/v1/admin/webhooks", new { url = "http://127.0.0.1:9/a-webhook-endpoint-with-a-long-path/that/goes/on", events = new[] { "notification.sent" } });

        var page = await console.NewPageAsync(width: Width, height: 844);
        await page.SignInAsync(console, tenant);
        var pages = new[]
        {
            "/admin", "/admin/queues?queue=email", "/admin/notifications", $"/admin/notifications/{failed}", $"/admin/notifications/{sent}",
            "/admin/templates", "/admin/templates/new?channel=email", $"/admin/templates/{template.Id()}?from=1&to=1",
            "/admin/partials", "/admin/partials?name=footer", "/admin/layouts", "/admin/layouts?name=brand",
            "/admin/providers", "/admin/providers/edit?kind=sendgrid", $"/admin/providers/edit?id={sms}",
            "/admin/api-keys", "/admin/bulk", "/admin/sandbox", "/admin/webhooks", "/admin/suppressions",
            "/admin/categories", "/admin/categories?key=account-security", "/admin/web-origins", "/admin/workflows", "/admin/workflows/runs", "/admin/audit",
        };
        var overflowing = new List<string>();
        foreach (var path in pages)
        {
            var response = await page.GotoAsync(path);
            Assert.True(response!.Ok, $"{path} answered {response.Status}");
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            var (scroll, inner) = await WidthsAsync(page);
            if (scroll > inner) overflowing.Add($"{path}: {scroll} px wide in a {inner} px window");
            // While here: every state-changing form carries the antiforgery token, and no page has an inline script.
            Assert.Equal(0, await page.Locator("form[method=post]:not(:has(input[name=__csrf]))").CountAsync());
            Assert.Equal(0, await page.Locator("script:not([src])").CountAsync());
        }
        Assert.True(overflowing.Count == 0, "pages scroll sideways at 390 px:\n" + string.Join("\n", overflowing));

        // The nav: every entry (links and the groups' menus) lies inside the screen, and following one gets there. The
        // groups' own links are opened and checked by ConsoleNavigationTests.
        await page.GotoAsync("/admin");
        var entries = page.Locator("header nav > a, header nav > details > summary");
        Assert.True(await entries.CountAsync() >= 5, "the nav lists every page, in groups");
        Assert.True(await page.Locator("header nav a").CountAsync() >= 14, "the nav lists every page");
        foreach (var entry in await entries.AllAsync())
        {
            await Assertions.Expect(entry).ToBeVisibleAsync();
            var box = await entry.BoundingBoxAsync();
            Assert.True(box is not null && box.X >= 0 && box.X + box.Width <= Width, $"nav entry {await entry.TextContentAsync()} is off screen ({box?.X}, {box?.Width})");
        }
        await page.GetByRole(AriaRole.Navigation).Locator("summary", new() { HasText = "Settings" }).ClickAsync();
        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Categories" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Categories");

        var signIn = await console.NewPageAsync(width: Width, height: 844);
        await signIn.GotoAsync("/admin/sign-in");
        var (s, i) = await WidthsAsync(signIn);
        Assert.True(s <= i, $"the sign-in page is {s} px wide in a {i} px window");
    }

    private static async Task<(int Scroll, int Inner)> WidthsAsync(IPage page)
    {
        var widths = await page.EvaluateAsync<int[]>("[document.documentElement.scrollWidth, window.innerWidth]");
        return (widths[0], widths[1]);
    }
}
