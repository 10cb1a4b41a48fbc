using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using NotificationService.Tests.Features.Administration.Console;
using NotificationService.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace NotificationService.Tests.Features.People.InboxSdk;

/// <summary>
/// `&lt;notification-inbox&gt;` in chromium, embedded by a tenant app on another origin exactly as the README says (script
/// tag with integrity, strict CSP): tabs share one stream and one badge, missed events come back once after going
/// offline, it is accessible (axe) in ltr and rtl, usable by keyboard alone, fits a phone, and an origin the tenant
/// does not list gets nothing.
/// </summary>
[Collection("inbox-browser")]
public class InboxComponentTests(InboxBrowserFixture fixture)
{
    private string Api => fixture.ServiceUrl;

    private Task<Guid> SendAsync(TestTenant tenant, string user, string title, string? category = null, object? actions = null) =>
        tenant.Http.SendOkAsync(new
        {
            channel = "in_app", recipient = new { userId = user }, category,
            content = new { title, body = $"Body of {title}", actions },
        });

    private static Task WaitStreamsAsync(string api, int count) =>
        Eventually.Async(async () => await InboxBrowserFixture.LiveStreamsAsync(api) == count, $"inbox_live_streams to be {count}");

    [ChromiumFact]
    public async Task Two_tabs_share_one_stream_and_one_badge_through_sends_reads_in_either_tab_and_the_leader_closing()
    {
        var tenant = await fixture.AppTenantAsync(Api);
        await using var context = await fixture.NewContextAsync();
        var first = await context.OpenAppAsync(fixture.App.PageUrl(tenant.Id, "ada"));
        var second = await context.OpenAppAsync(fixture.App.PageUrl(tenant.Id, "ada"));
        await first.ExpectUnreadAsync(0);
        await second.ExpectUnreadAsync(0);
        await WaitStreamsAsync(Api, 1);

        for (var i = 1; i <= 3; i++) await SendAsync(tenant, "ada", $"Parcel {i}");
        await first.ExpectUnreadAsync(3);
        await second.ExpectUnreadAsync(3);

        await second.OpenAsync();
        await second.Item("Parcel 2").ClickAsync();            // opening an item reads it
        await first.ExpectUnreadAsync(2);
        await second.ExpectUnreadAsync(2);
        await first.OpenAsync();
        await first.Item("Parcel 3").ClickAsync();
        await first.ExpectUnreadAsync(1);
        await second.ExpectUnreadAsync(1);
        Assert.Equal(1, await InboxBrowserFixture.LiveStreamsAsync(Api));

        // The leader's tab closes: the other takes the lock and the stream over, resuming where the leader was.
        var leader = await first.Inbox().GetAttributeAsync("data-stream-leader") is not null ? first : second;
        var follower = leader == first ? second : first;
        await leader.CloseAsync();
        await Expect(follower.Inbox()).ToHaveAttributeAsync("data-stream-leader", "");
        await SendAsync(tenant, "ada", "Parcel 4");
        await follower.ExpectUnreadAsync(2);
        await WaitStreamsAsync(Api, 1);
        Assert.Equal(2, (await (await fixture.UserClientAsync(tenant, "ada")).CountsAsync()).Unread);
    }

    [ChromiumFact]
    public async Task Offline_then_online_shows_the_items_sent_meanwhile_once()
    {
        var tenant = await fixture.AppTenantAsync(Api);
        await using var context = await fixture.NewContextAsync();
        var page = await context.OpenAppAsync(fixture.App.PageUrl(tenant.Id, "ada"));
        await Expect(page.Inbox()).ToHaveAttributeAsync("data-stream", "open");   // so "Before" is a live event too, not only a fetched item
        await SendAsync(tenant, "ada", "Before");
        await page.ExpectUnreadAsync(1);
        await page.OpenAsync();
        await Expect(page.Item("Before")).ToHaveCountAsync(1);
        await Expect(page.Inbox()).ToHaveAttributeAsync("data-stream", "open");

        await context.SetOfflineAsync(true);
        await Expect(page.Inbox()).Not.ToHaveAttributeAsync("data-stream", "open");   // the stream really broke
        var during = new[] { await SendAsync(tenant, "ada", "While offline 1"), await SendAsync(tenant, "ada", "While offline 2") };
        foreach (var id in during) await fixture.Ledger.WaitForAsync(id, "sent");
        await context.SetOfflineAsync(false);

        await page.ExpectUnreadAsync(3);
        await Expect(page.Item("While offline 1")).ToHaveCountAsync(1);
        await Expect(page.Item("While offline 2")).ToHaveCountAsync(1);
        await Expect(page.Items()).ToHaveCountAsync(3);
        var received = await page.EvaluateAsync<int>("window.inboxEvents.filter(e => e.type === 'notification-received').length");
        Assert.Equal(3, received);   // each announced once
    }

    [ChromiumTheory]
    [InlineData("en")]
    [InlineData("ar")]
    public async Task Axe_finds_no_violations_on_the_bell_the_open_feed_and_the_preferences(string locale)
    {
        var tenant = await fixture.AppTenantAsync(Api);
        await tenant.Http.PostJsonAsync("/api/v1/admin/categories", new { key = "orders", name = "Orders" });
        await tenant.Http.PostJsonAsync("/api/v1/admin/categories", new { key = "security", name = "Security", required = true });
        await SendAsync(tenant, "ada", "Order shipped", "orders", new[] { new { label = "Track", url = "/track" }, new { label = "Help", url = "/help" } });
        await SendAsync(tenant, "ada", "New sign-in", "security");
        await using var context = await fixture.NewContextAsync();
        var page = await context.OpenAppAsync(fixture.App.PageUrl(tenant.Id, "ada", locale, "orders,security"));
        await page.ExpectUnreadAsync(2);
        if (locale == "ar") await Expect(page.Locator("notification-inbox .root")).ToHaveAttributeAsync("dir", "rtl");

        await AssertNoViolationsAsync(page, "closed bell");
        await page.OpenAsync();
        await Expect(page.Items()).ToHaveCountAsync(2);
        await AssertNoViolationsAsync(page, "open feed");
        await page.Locator("notification-inbox [part=preferences-button]").ClickAsync();
        await Expect(page.Locator("notification-inbox table input[type=checkbox]").First).ToBeVisibleAsync();
        await Expect(page.Locator("notification-inbox tbody tr", new() { HasText = "Security" }).Locator("input").First).ToBeDisabledAsync();
        await Expect(page.Locator("notification-inbox thead th", new() { HasTextString = locale == "ar" ? "الدردشة" : "Chat" })).ToHaveCountAsync(1);
        await AssertNoViolationsAsync(page, "preferences");
    }

    internal static async Task AssertNoViolationsAsync(IPage page, string state)
    {
        var result = await page.RunAxe();
        Assert.True(result.Violations.Length == 0, $"{state}: " + string.Join("\n", result.Violations.Select(v =>
            $"{v.Id}: {v.Help} — {string.Join(" | ", v.Nodes.Select(n => n.Html))}")));
    }

    [ChromiumFact]
    public async Task Keyboard_alone_opens_moves_reads_one_opens_preferences_and_closes()
    {
        var tenant = await fixture.AppTenantAsync(Api);
        var user = await fixture.UserClientAsync(tenant, "ada");
        await SendAsync(tenant, "ada", "First");
        // The feed is newest first by when an item reached the inbox: on a busy host the worker could deliver Second first.
        await Eventually.Async(async () => (await user.GetFromJsonAsync<JsonNode>(EndUsers.Inbox))!["items"]!.AsArray().Count == 1, "First in the inbox");
        await SendAsync(tenant, "ada", "Second");
        await using var context = await fixture.NewContextAsync();
        var page = await context.OpenAppAsync(fixture.App.PageUrl(tenant.Id, "ada"));
        await page.ExpectUnreadAsync(2);
        await Expect(page.Inbox()).ToHaveAttributeAsync("data-stream", "open");   // its reset came before the keys (one is sent below)

        await page.Keyboard.PressAsync("Tab");
        await Expect(page.Bell()).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Item("Second")).ToBeFocusedAsync();   // newest first
        await page.Keyboard.PressAsync("ArrowDown");
        await Expect(page.Item("First")).ToBeFocusedAsync();
        // A stream that opens after the popover did resets the feed (nothing to resume from): the list is fetched again
        // and the keyboard user is back on their row, not dropped on the page.
        await page.Inbox().EvaluateAsync("n => n.live({ kind: 'reset', data: null })");
        await Expect(page.Item("First")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.ExpectUnreadAsync(1);
        var items = (await user.GetFromJsonAsync<JsonNode>(EndUsers.Inbox))!["items"]!.AsArray();
        Assert.Equal(["Second"], items.Where(i => i!["readAt"] is null).Select(i => i!["title"]!.GetValue<string>()));

        var gear = page.Locator("notification-inbox [part=preferences-button]");
        for (var i = 0; i < 12 && !await gear.EvaluateAsync<bool>("b => b.getRootNode().activeElement === b"); i++) await page.Keyboard.PressAsync("Tab");
        await Expect(gear).ToBeFocusedAsync();                  // the focus stayed inside the popover all along
        var markAll = page.Locator("notification-inbox [part=mark-all]");
        await page.Keyboard.PressAsync("Shift+Tab");
        await Expect(markAll).ToBeFocusedAsync();               // the popover's first stop
        await page.Keyboard.PressAsync("Shift+Tab");            // wraps to its last one, not out to the bell or the page
        Assert.True(await page.EvaluateAsync<bool>("document.querySelector('notification-inbox').shadowRoot.activeElement?.closest('.pop') != null"));
        await page.Keyboard.PressAsync("Tab");
        await Expect(markAll).ToBeFocusedAsync();               // and forward again to the first
        await page.Keyboard.PressAsync("Tab");
        await Expect(gear).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("notification-inbox .prefs")).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Escape");
        await Expect(page.Locator("notification-inbox .pop")).ToBeHiddenAsync();
        await Expect(page.Bell()).ToBeFocusedAsync();
    }

    [ChromiumFact]
    public async Task At_phone_width_the_open_feed_and_preferences_fit_without_sideways_scrolling()
    {
        var tenant = await fixture.AppTenantAsync(Api);
        await SendAsync(tenant, "ada", "A rather long title that could push a narrow popover past the edge of a small phone screen",
            actions: new[] { new { label = "Track the parcel now", url = "/track" }, new { label = "Contact support", url = "/help" } });
        await using var context = await fixture.NewContextAsync(390, 844);
        var page = await context.OpenAppAsync(fixture.App.PageUrl(tenant.Id, "ada"));
        await page.ExpectUnreadAsync(1);
        await page.OpenAsync();
        await Expect(page.Items()).ToHaveCountAsync(1);
        await AssertFitsAsync(page);
        await page.Locator("notification-inbox [part=preferences-button]").ClickAsync();
        await Expect(page.Locator("notification-inbox table")).ToBeVisibleAsync();
        await AssertFitsAsync(page);
    }

    private static async Task AssertFitsAsync(IPage page)
    {
        var fits = await page.EvaluateAsync<string>("""
            () => { const r = document.querySelector('notification-inbox').shadowRoot.querySelector('.pop').getBoundingClientRect();
                    return JSON.stringify({ scroll: document.documentElement.scrollWidth, inner: innerWidth, left: r.left, right: r.right }); }
            """);
        var m = JsonNode.Parse(fits)!;
        Assert.True(m["scroll"]!.GetValue<double>() <= m["inner"]!.GetValue<double>(), fits);
        Assert.True(m["left"]!.GetValue<double>() >= 0 && m["right"]!.GetValue<double>() <= m["inner"]!.GetValue<double>(), fits);
    }

    [ChromiumFact]
    public async Task An_origin_the_tenant_does_not_list_gets_nothing_while_its_listed_origin_works()
    {
        var tenant = await fixture.AppTenantAsync(Api);
        await SendAsync(tenant, "ada", "Hello");
        await fixture.Ledger.WaitForAsync(await SendAsync(tenant, "ada", "Hello again"), "sent");
        await using var context = await fixture.NewContextAsync();
        var listed = await context.OpenAppAsync(fixture.App.PageUrl(tenant.Id, "ada"));
        await listed.ExpectUnreadAsync(2);

        var other = await context.OpenAppAsync(fixture.App.PageUrl(tenant.Id, "ada", otherOrigin: true));
        await Expect(other.Inbox()).ToHaveAttributeAsync("unread-count", "0");
        // (EvaluateAsync, not WaitForFunctionAsync: the page's CSP forbids the eval that the latter needs)
        await Eventually.Async(() => other.EvaluateAsync<bool>("window.inboxEvents.some(e => e.type === 'inbox-error')"), "an inbox-error event");
        await other.OpenAsync();
        await Expect(other.Locator("notification-inbox [role=alert]")).ToHaveTextAsync("Notifications cannot be shown on this site.");
        await Expect(other.Items()).ToHaveCountAsync(0);
        await Expect(other.Inbox()).ToHaveAttributeAsync("unread-count", "0");
    }

    [ChromiumFact]
    public async Task The_demo_page_runs_the_component_under_its_strict_csp_and_its_button_reaches_the_bell()
    {
        await using var context = await fixture.NewContextAsync();
        var page = await context.NewPageAsync();
        var violations = new List<string>();
        page.Console += (_, m) => { if (m.Text.Contains("Content Security Policy")) violations.Add(m.Text); };
        await page.GotoAsync(Api + "/sdk/demo");
        await Expect(page.Bell()).ToBeVisibleAsync();
        await Expect(page.Inbox()).ToHaveAttributeAsync("data-stream", "open");
        var before = int.Parse((await page.Inbox().GetAttributeAsync("unread-count"))!);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send an in-app notification" }).ClickAsync();
        await page.ExpectUnreadAsync(before + 1);
        await page.OpenAsync();
        await Expect(page.Item("Your order has shipped").First).ToBeVisibleAsync();
        Assert.Empty(violations);
    }
}
