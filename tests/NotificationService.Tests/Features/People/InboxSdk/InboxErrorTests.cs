using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using NotificationService.Tests.Features.Administration.Console;
using NotificationService.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace NotificationService.Tests.Features.People.InboxSdk;

/// <summary>
/// `&lt;notification-inbox&gt;` refused in a way no retry can fix says so once and stops: one `inbox-error` event with its
/// code, one console warning that names the fix, the `data-error` attribute, a bell that says it is unavailable and an
/// alert in the popover (axe-clean), and no more stream tickets asked for (the live link reads `stopped`).
/// </summary>
[Collection("inbox-browser")]
public class InboxErrorTests(InboxBrowserFixture fixture)
{
    private string Api => fixture.ServiceUrl;

    [ChromiumFact]
    public async Task A_page_on_an_origin_the_tenant_does_not_list_says_origin_not_allowed_once_shows_it_and_stops_asking_for_tickets()
    {
        var tenant = await fixture.AppTenantAsync(Api);
        await using var context = await fixture.NewContextAsync();
        var (page, watch) = await OpenWatchedAsync(context, fixture.App.PageUrl(tenant.Id, "ada", otherOrigin: true));

        await Expect(page.Inbox()).ToHaveAttributeAsync("data-error", "origin_not_allowed");
        await Expect(page.Inbox()).ToHaveAttributeAsync("data-stream", "stopped");
        var error = Assert.Single(await ErrorEventsAsync(page));
        Assert.Equal("origin_not_allowed", (string?)error["code"]);
        Assert.Contains(fixture.App.OtherOrigin, (string?)error["message"]);

        var warning = await watch.SingleWarningAsync();
        Assert.Contains($"Add {fixture.App.OtherOrigin} to the tenant's web origins", warning);
        Assert.Contains("/api/v1/admin/web-origins", warning);
        Assert.True(watch.TicketRequests <= 1, $"{watch.TicketRequests} stream-ticket requests: a refused origin is asked at most once");

        await ExpectShownAsync(page, "Notifications cannot be shown on this site.");
    }

    [ChromiumFact]
    public async Task A_token_refused_again_after_a_fresh_one_says_token_refused_once_shows_it_and_stops_asking_for_tickets()
    {
        var tenant = await fixture.AppTenantAsync(Api);
        await using var context = await fixture.NewContextAsync();
        var (page, watch) = await OpenWatchedAsync(context, fixture.App.PageUrl(tenant.Id, "ada", extra: "badToken=1"));

        await Expect(page.Inbox()).ToHaveAttributeAsync("data-error", "token_refused");
        await Expect(page.Inbox()).ToHaveAttributeAsync("data-stream", "stopped");
        var error = Assert.Single(await ErrorEventsAsync(page));
        Assert.Equal("token_refused", (string?)error["code"]);
        Assert.Equal(401, (int?)error["status"]);
        Assert.Equal("The token's signature does not verify.", (string?)error["message"]);

        var warning = await watch.SingleWarningAsync();
        Assert.Contains("refused the end-user token, also a fresh one from getToken()", warning);
        Assert.DoesNotContain("eyJ", warning);   // never the token itself
        Assert.True(watch.TicketRequests <= 2, $"{watch.TicketRequests} stream-ticket requests: one, and one with a fresh token, at most");
        Assert.True(await page.EvaluateAsync<int>("window.tokensFetched") <= 3, "getToken is not asked in a loop");

        await ExpectShownAsync(page, "Your notifications could not be loaded: your sign-in was not accepted.");
    }

    /// <summary>The bell says it is unavailable (not "0 unread"), and the open popover shows the alert, axe-clean.</summary>
    private static async Task ExpectShownAsync(IPage page, string text)
    {
        await Expect(page.Locator("notification-inbox .badge")).ToHaveTextAsync("!");
        await Expect(page.Bell()).ToHaveAttributeAsync("aria-label", $"Notifications unavailable: {text}");
        await page.OpenAsync();
        var alert = page.Locator("notification-inbox [role=alert]");
        await Expect(alert).ToBeVisibleAsync();
        await Expect(alert).ToHaveTextAsync(text);
        await Expect(page.Locator("notification-inbox .status")).ToBeHiddenAsync();
        await InboxComponentTests.AssertNoViolationsAsync(page, "refused");
    }

    private static async Task<JsonArray> ErrorEventsAsync(IPage page) => JsonNode.Parse(await page.EvaluateAsync<string>(
        "JSON.stringify(window.inboxEvents.filter(e => e.type === 'inbox-error').map(e => e.detail))"))!.AsArray();

    private static async Task<(IPage, Watch)> OpenWatchedAsync(IBrowserContext context, string url)
    {
        var page = await context.NewPageAsync();
        var watch = new Watch();
        page.Console += (_, m) => { if (m.Type == "warning" && m.Text.StartsWith("notification-inbox:")) watch.Warnings.Enqueue(m.Text); };
        page.Request += (_, r) => { if (r.Method == "POST" && r.Url.Contains("/stream-ticket")) Interlocked.Increment(ref watch.Tickets); };
        await page.GotoAsync(url);
        await Expect(page.Bell()).ToBeVisibleAsync();
        return (page, watch);
    }

    private sealed class Watch
    {
        public readonly ConcurrentQueue<string> Warnings = new();
        public int Tickets;
        public int TicketRequests => Volatile.Read(ref Tickets);

        /// <summary>The component's warning (console messages reach the spec after the page made them), and only one.</summary>
        public async Task<string> SingleWarningAsync()
        {
            await Eventually.Async(() => Task.FromResult(!Warnings.IsEmpty), "a console warning from notification-inbox");
            return Assert.Single(Warnings);
        }
    }
}
