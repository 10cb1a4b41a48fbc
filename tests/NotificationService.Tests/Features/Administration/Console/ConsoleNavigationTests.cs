using Microsoft.Extensions.Logging;
using Microsoft.Playwright;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>
/// The navigation is grouped so it fits (issue 29): one line at 1366 px, every group and link inside a 390 px screen,
/// each group a menu that opens, closes on Escape and leads where it says. And a sitting in the console leaves nothing
/// in the log or the browser's console that a newcomer would take for a problem.
/// </summary>
[Collection("console")]
public class ConsoleNavigationTests(ConsoleFixture console)
{
    private static readonly string[] Groups = ["Activity", "People", "Templates", "Settings", "Team"];

    [ChromiumFact]
    public async Task At_1366_px_the_navigation_is_one_line()
    {
        var tenant = await console.NewTenantAsync(null);
        var page = await console.NewPageAsync(width: 1366, height: 768);
        await page.SignInAtAsync(console, tenant, "/admin/queues");

        // Every top-level entry, the brand and the sign-out button share one row: none wrapped below another.
        var tops = await page.EvaluateAsync<double[]>("""
            [...document.querySelectorAll("header.top > .brand, header nav > a, header nav > details > summary, header .signout button")]
                .map(e => e.getBoundingClientRect()).map(r => r.top + r.height / 2)
            """);
        Assert.True(tops.Length >= 2 + 2 + Groups.Length, $"{tops.Length} entries");
        Assert.True(tops.Max() - tops.Min() < 12, $"the header wraps: entry centres at {string.Join(", ", tops)}");
        Assert.True(await page.EvaluateAsync<double>("document.querySelector('header.top').getBoundingClientRect().height") < 70, "the header is one line high");
        await Assertions.Expect(page.Locator("header nav details.current > summary")).ToHaveTextAsync("Activity");   // where you are
    }

    [ChromiumFact]
    public async Task At_390_px_every_group_opens_inside_the_screen_closes_on_escape_and_its_links_lead_there()
    {
        var tenant = await console.NewTenantAsync(null);
        var page = await console.NewPageAsync(width: 390, height: 844);
        await page.SignInAtAsync(console, tenant, "/admin");
        var nav = page.GetByRole(AriaRole.Navigation, new() { Name = "Console" });
        var links = 0;
        foreach (var group in Groups)
        {
            var summary = nav.Locator("summary", new() { HasText = group });
            await summary.ClickAsync();
            foreach (var link in await nav.Locator("details[open] .items a").AllAsync())
            {
                await Assertions.Expect(link).ToBeVisibleAsync();
                var box = (await link.BoundingBoxAsync())!;
                Assert.True(box.X >= 0 && box.X + box.Width <= 390, $"{group} › {await link.TextContentAsync()} is off screen ({box.X}, {box.Width})");
                links++;
            }
            Assert.Equal(1, await nav.Locator("details[open]").CountAsync());   // one menu open at a time
            await page.Keyboard.PressAsync("Escape");
            await Assertions.Expect(nav.Locator("details[open]")).ToHaveCountAsync(0);
        }
        Assert.Equal(20, links);   // with Overview and Audit log, 22 pages

        await nav.Locator("summary", new() { HasText = "Settings" }).ClickAsync();
        await nav.GetByRole(AriaRole.Link, new() { Name = "Categories" }).ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Categories");
        var width = await page.EvaluateAsync<int>("document.documentElement.scrollWidth");
        Assert.True(width <= 390, $"the page is {width} px wide");
    }

    [ChromiumFact]
    public async Task Clicking_through_the_console_logs_no_warnings_and_the_browser_reports_no_errors()
    {
        var tenant = await console.NewTenantAsync();
        var page = await console.NewPageAsync();
        var browserErrors = new List<string>();
        page.Console += (_, m) => { if (m.Type == "error") browserErrors.Add($"{page.Url}: {m.Text}"); };
        page.RequestFailed += (_, r) => browserErrors.Add($"{r.Url}: {r.Failure}");
        await page.SignInAsync(console, tenant);
        var before = console.Logs.Entries.Count;

        foreach (var path in new[] { "/admin", "/admin/queues", "/admin/notifications", "/admin/templates", "/admin/templates/new?channel=email", "/admin/partials",
                     "/admin/layouts", "/admin/providers", "/admin/api-keys", "/admin/bulk", "/admin/sandbox", "/admin/webhooks", "/admin/suppressions",
                     "/admin/categories", "/admin/web-origins", "/admin/settings", "/admin/workflows", "/admin/workflows/runs", "/admin/audit" })
        {
            var response = await page.GotoAsync(path);
            Assert.True(response!.Ok, $"{path} answered {response.Status}");
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        }

        // Every page above has a form, so antiforgery ran on each; it used to log a cache-header warning every time.
        var warnings = console.Logs.Entries.Skip(before).Where(e => e.Level >= LogLevel.Warning && e.Category.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal))
            .Select(e => $"{e.Category}: {e.Message}").Distinct().ToList();
        Assert.True(warnings.Count == 0, "warnings logged while clicking through:\n" + string.Join("\n", warnings));
        Assert.True(browserErrors.Count == 0, "the browser reported:\n" + string.Join("\n", browserErrors));   // e.g. a favicon 404 on every page
    }
}
