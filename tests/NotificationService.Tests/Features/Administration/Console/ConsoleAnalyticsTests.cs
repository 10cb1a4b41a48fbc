using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using NotificationService.Features.Administration.Console.Pages;
using NotificationService.Features.Operations.Analytics;
using NotificationService.Tests.Features.Automation.Digests;
using NotificationService.Tests.Features.Automation.Workflows;
using NotificationService.Tests.Features.People.Recipients;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Shared;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>
/// The analytics page shows what `GET /api/v1/admin/analytics` answers, cell for cell and in the figures its charts write
/// beside their bars, for a mix of outcomes and a throttle (and nothing of another tenant's); its period and grouping change by keyboard alone; it fits a phone and axe finds
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
        ids.Add((await ThrottledAlertsAsync(tenant), "sent"));
        foreach (var (id, status) in ids) await console.Ledger.WaitForAsync(id, status);
        await console.Factory.Services.GetRequiredService<AnalyticsFlusher>().FlushAsync(default);   // every change committed: flush, don't poll
        await console.Factory.Services.GetRequiredService<LatencyFlusher>().FlushAsync(default);
        var steps = console.Factory.Services.GetRequiredService<StepWindowFlusher>();   // handed over just after the runs' commits
        await Eventually.Async(async () => { await steps.FlushAsync(default); return await (await tenant.Http.GetAsync("/api/v1/admin/analytics")).JsonAsync(); },
            r => r["throttles"]!.AsArray().Sum(t => (long)t!["messagesSaved"]!) == 1, "the throttle's saving in the report");

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
        Assert.Equal(6L, (long)api["total"]!["accepted"]!);
        await Assertions.Expect(page.Locator("#funnel-summary")).ToContainTextAsync("Accepted 6 (100 %); Sent 4 (66.7 %)");
        Assert.Equal(api["reasons"]!.AsArray().Select(r => $"{r!["status"]}|{r["reason"]}|{r["count"]}"),
            await RowsAsync(page, "#analytics-reasons"));
        Assert.Equal(api["providers"]!.AsArray().Select(p => $"{p!["provider"]}|{p["sent"]}|{p["delivered"]}|{p["failed"]}|"
            + AnalyticsModel.ErrorRate((double?)p["errorRate"])), await RowsAsync(page, "#analytics-providers"));

        var latency = api["latency"]!.AsArray();
        Assert.NotEmpty(latency);   // the sms sandbox's calls were timed
        foreach (var l in latency)
            Assert.Equal(((long)l!["calls"]!).ToString(),
                (await page.Locator($"#analytics-latency tr[data-key='{(string)l["provider"]!}/{(string)l["channel"]!}'] td[data-field=calls]").TextContentAsync())?.Trim());

        // The charts write the API's figures beside their bars.
        Assert.NotEmpty(api["reasons"]!.AsArray());
        foreach (var r in api["reasons"]!.AsArray())
            Assert.Equal($"{r!["count"]}", await WrittenAsync(page, "reasons-chart", $"{r["status"]}|{r["reason"]}", "count"));
        foreach (var p in api["providers"]!.AsArray())
            Assert.Equal($"{AnalyticsModel.ErrorRate((double?)p!["errorRate"])} of {(long)p["sent"]! + (long)p["failed"]!}",
                await WrittenAsync(page, "error-rate-chart", (string)p["provider"]!, "errorRate"));
        foreach (var l in latency)
            foreach (var q in new[] { "p50", "p95" })
                Assert.Equal($"{q} {AnalyticsModel.Ms((double?)l![$"{q}Ms"])}", await WrittenAsync(page, "latency-chart", $"{l["provider"]}/{l["channel"]}", q));
        var throttle = Assert.Single(api["throttles"]!.AsArray())!;
        Assert.Equal(("alerts", 1L, 1L, 1L), ((string)throttle["workflow"]!, (long)throttle["passed"]!, (long)throttle["heldBack"]!, (long)throttle["messagesSaved"]!));
        Assert.Equal(["alerts|calm|1|1|1"], await RowsAsync(page, "#analytics-throttles"));
        Assert.Equal("1 held back", await WrittenAsync(page, "savings-chart", "throttle/alerts/calm", "heldBack"));
        Assert.Equal("1 saved", await WrittenAsync(page, "savings-chart", "throttle/alerts/calm", "messagesSaved"));

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

    /// <summary>
    /// An alert workflow that lets one run a window through: two alerts to ada, one sent by SMS and one ended throttled.
    /// Returns the sent alert's notification.
    /// </summary>
    private static async Task<Guid> ThrottledAlertsAsync(TestTenant tenant)
    {
        await tenant.Http.CreateTemplateAsync(new { key = "alert", channel = "sms", locale = "en", parts = new { body = "{{alert}} is down" } });
        await tenant.Http.IdentifyAsync("ada", new { phone = "+14155550100" });
        await tenant.Http.PublishWorkflowAsync("""
            {"key":"alerts","name":"Alerts","steps":[{"id":"calm","type":"throttle","limit":1,"window":"PT1H"},
             {"id":"text","type":"send","channel":"sms","template":"alert"}]}
            """);
        var runs = new List<JsonNode>();
        foreach (var _ in new[] { 1, 2 })
            runs.Add(await tenant.Http.WaitForRunAsync((await tenant.Http.TriggerAsync("alerts", new { recipients = new[] { "ada" }, data = new { alert = "disk" } })).Single(),
                "completed"));
        var sent = Assert.Single(runs, r => r.Sends("text"));
        return Guid.Parse((string)sent["steps"]!.AsArray().Single(s => s.Text("stepId") == "text")!["notificationIds"]![0]!);
    }

    /// <summary>What a chart writes beside the bar of <paramref name="field"/> in the row of <paramref name="key"/>.</summary>
    private static async Task<string?> WrittenAsync(IPage page, string chart, string key, string field) =>
        (await page.Locator($"#{chart} g[data-key='{key}'] text[data-field={field}]").TextContentAsync())?.Trim();

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
