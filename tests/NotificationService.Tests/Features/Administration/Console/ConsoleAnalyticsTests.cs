using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using NotificationService.Features.Administration.Console.Pages;
using NotificationService.Features.Operations.Analytics;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>
/// The analytics page shows what `GET /api/v1/admin/analytics` answers, cell for cell, for a mix of outcomes (and
/// nothing of another tenant's); its period and grouping change by keyboard alone; it fits a phone and axe finds
/// nothing in light and dark, at 1366 and 390 px; a tenant with nothing yet gets a sentence, not empty tables.
/// </summary>
[Collection("console")]
public class ConsoleAnalyticsTests(ConsoleFixture console)
{
    private static readonly string[] Fields = ["accepted", "sent", "delivered", "opened", "read", "clicked", "failed", "suppressed"];

    [ChromiumFact]
    public async Task The_page_shows_the_APIs_figures_and_passes_axe_in_light_and_dark_at_desktop_and_phone_width()
    {
        var tenant = await console.NewTenantAsync("""{"permanentRate": 1}""", "email");   // email fails for good, sms is taken
        await console.AddProviderAsync(tenant.Id, "sms", "sandbox", "{}");
        var other = await console.NewTenantAsync("{}", "email");
        var sms = new { channel = "sms", recipient = new { phone = "+14155550100" }, content = new { body = "x" } };
        var ids = new List<(Guid Id, string Status)>();
        for (var i = 0; i < 3; i++) ids.Add((await tenant.Http.SendOkAsync(sms), "sent"));
        for (var i = 0; i < 2; i++) ids.Add((await tenant.Http.SendOkAsync(Api.Email($"f{i}@example.com")), "failed"));
        ids.Add((await other.Http.SendOkAsync(Api.Email()), "sent"));
        foreach (var (id, status) in ids) await console.Ledger.WaitForAsync(id, status);
        await console.Factory.Services.GetRequiredService<AnalyticsFlusher>().FlushAsync(default);   // every change committed: flush, don't poll
        await console.Factory.Services.GetRequiredService<LatencyFlusher>().FlushAsync(default);

        var api = await (await tenant.Http.GetAsync("/api/v1/admin/analytics?groupBy=channel")).JsonAsync();
        var page = await console.NewPageAsync(width: 1366);
        await page.SignInAtAsync(console, tenant, "/admin/analytics?period=24h&groupBy=channel");
        var groups = api["groups"]!.AsArray();
        Assert.Equal(2, groups.Count);   // email and sms: the other tenant's email is not in it
        await Assertions.Expect(page.Locator("#analytics-groups tbody tr")).ToHaveCountAsync(groups.Count);
        foreach (var g in groups)
        {
            var row = page.Locator($"#analytics-groups tr[data-key='{(string)g!["key"]!}']");
            foreach (var field in Fields)
                Assert.Equal(((long)g[field]!).ToString(), (await row.Locator($"td[data-field={field}]").TextContentAsync())?.Trim());
        }
        Assert.Equal(5L, (long)api["total"]!["accepted"]!);
        await Assertions.Expect(page.Locator("#funnel-summary")).ToContainTextAsync("Accepted 5 (100 %); Sent 3 (60 %)");
        Assert.Equal(api["reasons"]!.AsArray().Select(r => $"{r!["status"]}|{r["reason"]}|{r["count"]}"),
            await RowsAsync(page, "#analytics-reasons"));
        Assert.Equal(api["providers"]!.AsArray().Select(p => $"{p!["provider"]}|{p["sent"]}|{p["delivered"]}|{p["failed"]}|"
            + AnalyticsModel.ErrorRate((double?)p["errorRate"])), await RowsAsync(page, "#analytics-providers"));

        var latency = api["latency"]!.AsArray();
        Assert.NotEmpty(latency);   // the sms sandbox's calls were timed
        foreach (var l in latency)
            Assert.Equal(((long)l!["calls"]!).ToString(),
                (await page.Locator($"#analytics-latency tr[data-key='{(string)l["provider"]!}/{(string)l["channel"]!}'] td[data-field=calls]").TextContentAsync())?.Trim());

        await page.AssertAccessibleAsync();
        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
        await page.AssertAccessibleAsync();
        await page.AssertFitsPhoneWidthAsync();
        await page.AssertAccessibleAsync();
        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Light });
        await page.AssertAccessibleAsync();
    }

    [Theory]
    [InlineData("2026-11-29T01:59:30Z")]
    [InlineData("2026-11-29T02:00:00Z")]
    public void Each_period_is_whole_hours_ending_where_the_APIs_default_range_ends_and_24_hours_is_that_default(string at)
    {
        var now = DateTimeOffset.Parse(at);
        var byDefault = AnalyticsQuery.Parse(null, null, "template", now);
        Assert.Equal(byDefault, AnalyticsModel.QueryFor(TimeSpan.FromHours(24), "template", now));
        foreach (var (_, _, span) in AnalyticsModel.Periods)
        {
            var query = AnalyticsModel.QueryFor(span, "channel", now);
            Assert.Equal((byDefault.To, span), (query.To, query.To - query.From));
        }
    }

    /// <summary>A table's body rows, each as its cells' text joined by '|'.</summary>
    private static async Task<string[]> RowsAsync(IPage page, string table) => await page.Locator($"{table} tbody tr")
        .EvaluateAllAsync<string[]>("rows => rows.map(r => [...r.cells].map(c => c.textContent.trim()).join('|'))");

    [ChromiumFact]
    public async Task The_period_and_grouping_change_by_keyboard_alone_and_an_empty_tenant_reads_a_sentence()
    {
        var tenant = await console.NewTenantAsync("{}", "email");
        var page = await console.NewPageAsync();
        await page.SignInAtAsync(console, tenant, "/admin/analytics");
        await Assertions.Expect(page.Locator("#analytics-empty")).ToBeVisibleAsync();

        await page.Locator("#period").FocusAsync();
        await page.Keyboard.PressAsync("ArrowDown");   // Last 7 days
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("ArrowDown");   // template
        await page.Keyboard.PressAsync("Tab");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"period=7d&groupBy=template$"));
        await Assertions.Expect(page.Locator("#period")).ToHaveValueAsync("7d");
        await Assertions.Expect(page.Locator("#groupBy")).ToHaveValueAsync("template");
        await page.AssertAccessibleAsync();
    }
}
