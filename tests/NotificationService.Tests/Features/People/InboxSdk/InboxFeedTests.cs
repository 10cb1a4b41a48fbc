using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using NotificationService.Tests.Features.Administration.Console;
using NotificationService.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace NotificationService.Tests.Features.People.InboxSdk;

/// <summary>
/// What the open feed of `&lt;notification-inbox&gt;` does, in chromium on a tenant app of another origin: keyset pages as the
/// list scrolls, category tabs and the unread filter, mark all read, archive, a thread as one row with its count, action
/// buttons that are clicks, a refused token fetched again, translations, theming and dark mode.
/// </summary>
[Collection("inbox-browser")]
public class InboxFeedTests(InboxBrowserFixture fixture)
{
    private string Api => fixture.ServiceUrl;

    private static Task<Guid> SendAsync(TestTenant tenant, string title, string? category = null, string? thread = null, object? actions = null) =>
        tenant.Http.SendOkAsync(new
        {
            channel = "in_app", recipient = new { userId = "ada" }, category, thread,
            content = new { title, body = $"Body of {title}", actions },
        });

    private static Task<int> DistinctIdsAsync(IPage page) =>
        page.EvaluateAsync<int>("new Set([...document.querySelector('notification-inbox').shadowRoot.querySelectorAll('li')].map(li => li.dataset.id)).size");

    [ChromiumFact]
    public async Task Scrolling_to_the_end_of_the_list_loads_the_next_keyset_page_until_every_item_is_there_once()
    {
        var tenant = await fixture.AppTenantAsync(Api);
        var earlier = new List<Guid>();
        for (var i = 1; i <= 22; i++) earlier.Add(await SendAsync(tenant, $"Item {i:00}"));
        // The feed is newest first by when an item reached the inbox: Item 23 goes out after every other is in. They are
        // delivered concurrently, so the last one sent being in says nothing about the others.
        foreach (var id in earlier) await fixture.Ledger.WaitForAsync(id, "sent");
        await fixture.Ledger.WaitForAsync(await SendAsync(tenant, "Item 23"), "sent");
        await using var context = await fixture.NewContextAsync();
        var page = await context.OpenAppAsync(fixture.App.PageUrl(tenant.Id, "ada", extra: "pageSize=10"));
        await page.ExpectUnreadAsync(23);
        await page.OpenAsync();
        await Expect(page.Items()).ToHaveCountAsync(10);
        await Expect(page.Items().First).ToContainTextAsync("Item 23");   // newest first

        await page.Items().Last.ScrollIntoViewIfNeededAsync();
        await Expect(page.Items()).ToHaveCountAsync(20);
        await page.Items().Last.ScrollIntoViewIfNeededAsync();
        await Expect(page.Items()).ToHaveCountAsync(23);
        // Items 01–22 are delivered concurrently, so their order among themselves is the order they reached the inbox,
        // not the order they were sent: the list is checked as a set of titles, each there once.
        Assert.Equal(23, await DistinctIdsAsync(page));
        var titles = await page.EvaluateAsync<string[]>(
            "[...document.querySelector('notification-inbox').shadowRoot.querySelectorAll('li')].map(li => li.querySelector('[part=title]').lastChild.textContent)");
        Assert.Equal(Enumerable.Range(1, 23).Select(i => $"Item {i:00}"), titles.Order());
    }

    [ChromiumFact]
    public async Task Tabs_show_one_category_the_unread_filter_hides_read_items_mark_all_reads_and_archive_removes()
    {
        var tenant = await fixture.AppTenantAsync(Api);
        await tenant.Http.PostJsonAsync("/api/v1/admin/categories", new { key = "orders", name = "Orders" });
        await tenant.Http.PostJsonAsync("/api/v1/admin/categories", new { key = "social", name = "Social" });
        await SendAsync(tenant, "Order 1", "orders");
        await SendAsync(tenant, "Order 2", "orders");
        await fixture.Ledger.WaitForAsync(await SendAsync(tenant, "New follower", "social"), "sent");
        await using var context = await fixture.NewContextAsync();
        var page = await context.OpenAppAsync(fixture.App.PageUrl(tenant.Id, "ada", categories: "orders,social"));
        await page.ExpectUnreadAsync(3);
        await page.OpenAsync();
        await Expect(page.Items()).ToHaveCountAsync(3);

        await page.Locator("notification-inbox [role=tab]", new() { HasText = "Orders" }).ClickAsync();   // the category's name, not its key
        await Expect(page.Items()).ToHaveCountAsync(2);
        await page.Item("Order 1").Locator("[part=read-toggle]").ClickAsync();
        await page.ExpectUnreadAsync(2);
        await page.Locator("notification-inbox .chip", new() { HasText = "Unread" }).ClickAsync();
        await Expect(page.Items()).ToHaveCountAsync(1);
        await Expect(page.Item("Order 2")).ToHaveCountAsync(1);

        await page.Locator("notification-inbox .chip", new() { HasText = "All" }).ClickAsync();
        await page.Locator("notification-inbox [role=tab]", new() { HasText = "All" }).ClickAsync();
        await Expect(page.Items()).ToHaveCountAsync(3);
        await page.Locator("notification-inbox [part=mark-all]").ClickAsync();
        await page.ExpectUnreadAsync(0);
        await Expect(page.Locator("notification-inbox li.unread")).ToHaveCountAsync(0);

        await page.Item("New follower").Locator("[part=archive]").ClickAsync();
        await Expect(page.Items()).ToHaveCountAsync(2);
        var user = await fixture.UserClientAsync(tenant, "ada");
        await Eventually.Async(async () => (await user.CountsAsync()).Total == 2, "the item archived on the service, not only hidden");
    }

    [ChromiumFact]
    public async Task A_thread_is_one_row_with_its_count_opening_it_reads_all_and_an_action_button_is_a_recorded_click()
    {
        var tenant = await fixture.AppTenantAsync(Api);
        var actions = new[] { new { label = "Track", url = "https://shop.example/track/7" }, new { label = "Help", url = "/help" } };
        // Delivered before the next is sent: a thread is headed by its newest arrival in the inbox, and two sends accepted
        // together may be delivered in either order.
        await fixture.Ledger.WaitForAsync(await SendAsync(tenant, "Order 7 packed", thread: "order-7"), "sent");
        var shipped = await SendAsync(tenant, "Order 7 shipped", thread: "order-7", actions: actions);
        await fixture.Ledger.WaitForAsync(await SendAsync(tenant, "Unrelated"), "sent");
        await fixture.Ledger.WaitForAsync(shipped, "sent");
        await using var context = await fixture.NewContextAsync();
        var page = await context.OpenAppAsync(fixture.App.PageUrl(tenant.Id, "ada"));
        await page.ExpectUnreadAsync(3);
        await page.OpenAsync();

        await Expect(page.Items()).ToHaveCountAsync(2);
        var thread = page.Item("Order 7 shipped");   // the newest of the thread heads its row
        await Expect(thread.Locator("[part=thread-count]")).ToHaveTextAsync("2 notifications");
        await Expect(thread.Locator("[part=action]")).ToHaveTextAsync(["Track", "Help"]);

        await thread.Locator("[part=action]", new() { HasText = "Track" }).ClickAsync();
        await page.ExpectUnreadAsync(1);   // both of the thread
        await fixture.Ledger.WaitForAsync(shipped, "clicked");
        var click = await page.EvaluateAsync<string>("JSON.stringify(window.inboxEvents.find(e => e.type === 'notification-click').detail)");
        Assert.Contains("\"url\":\"https://shop.example/track/7\"", click);
        Assert.Contains("\"index\":0", click);
        Assert.StartsWith(fixture.App.Origin, page.Url);   // the app cancelled the event: no navigation
    }

    [ChromiumFact]
    public async Task A_token_the_service_refuses_is_fetched_again_through_getToken_and_the_inbox_works()
    {
        var tenant = await fixture.AppTenantAsync(Api);
        await fixture.Ledger.WaitForAsync(await SendAsync(tenant, "Hello"), "sent");
        await using var context = await fixture.NewContextAsync();
        var page = await context.OpenAppAsync(fixture.App.PageUrl(tenant.Id, "ada", extra: "badFirstToken=1"));
        await page.ExpectUnreadAsync(1);
        await Expect(page.Inbox()).ToHaveAttributeAsync("data-stream", "open");
        Assert.True(await page.EvaluateAsync<int>("window.tokensFetched") >= 2);
        await page.OpenAsync();
        await Expect(page.Item("Hello")).ToHaveCountAsync(1);
    }

    [ChromiumFact]
    public async Task A_token_about_to_expire_is_replaced_through_getToken_before_the_service_would_refuse_it()
    {
        var tenant = await fixture.AppTenantAsync(Api);
        await fixture.Ledger.WaitForAsync(await SendAsync(tenant, "Hello"), "sent");
        await using var context = await fixture.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.Clock.InstallAsync();   // the page's clock, moved on below; the service's stays real
        await page.GotoAsync(fixture.App.PageUrl(tenant.Id, "ada", extra: "ttl=60"));
        await page.ExpectUnreadAsync(1);
        await Expect(page.Inbox()).ToHaveAttributeAsync("data-stream", "open");
        Assert.Equal(1, await page.EvaluateAsync<int>("window.tokensFetched"));

        await page.Clock.FastForwardAsync("00:45");   // 15 s left on the page's token: the next call asks for a new one first
        await page.OpenAsync();
        await Expect(page.Item("Hello")).ToHaveCountAsync(1);
        Assert.True(await page.EvaluateAsync<int>("window.tokensFetched") >= 2);
        Assert.Equal(0, await page.EvaluateAsync<int>("window.inboxEvents.filter(e => e.type === 'inbox-error').length"));   // no 401 on the way
    }

    [ChromiumTheory]
    [InlineData("fr", "Notifications, 1 non lues", "Tout marquer comme lu")]
    [InlineData("de", "Benachrichtigungen, 1 ungelesen", "Alle als gelesen markieren")]
    [InlineData("es", "Notificaciones, 1 sin leer", "Marcar todo como leído")]
    [InlineData("ar", "الإشعارات، 1 غير مقروءة", "تعليم الكل كمقروء")]
    public async Task The_element_speaks_the_pages_locale(string locale, string bell, string markAll)
    {
        var tenant = await fixture.AppTenantAsync(Api);
        await SendAsync(tenant, "Bonjour");
        await using var context = await fixture.NewContextAsync();
        var page = await context.OpenAppAsync(fixture.App.PageUrl(tenant.Id, "ada", locale));
        await page.ExpectUnreadAsync(1);
        await Expect(page.Bell()).ToHaveAttributeAsync("aria-label", bell);
        await page.OpenAsync();
        await Expect(page.Locator("notification-inbox [part=mark-all]")).ToHaveTextAsync(markAll);
        await Expect(page.Locator("notification-inbox time")).Not.ToBeEmptyAsync();   // Intl.RelativeTimeFormat in that language
        await Expect(page.Locator("notification-inbox .root")).ToHaveAttributeAsync("dir", locale == "ar" ? "rtl" : "ltr");
    }

    [ChromiumFact]
    public async Task The_page_restyles_it_through_custom_properties_and_parts_and_dark_mode_darkens_it()
    {
        var tenant = await fixture.AppTenantAsync(Api);
        await SendAsync(tenant, "Styled");
        await using var light = await fixture.NewContextAsync();
        var themed = await light.OpenAppAsync(fixture.App.PageUrl(tenant.Id, "ada", extra: "theme=1"));
        await themed.ExpectUnreadAsync(1);
        await Expect(themed.Locator("notification-inbox [part=badge]")).ToHaveCSSAsync("background-color", "rgb(0, 90, 0)");
        await themed.OpenAsync();
        await Expect(themed.Locator("notification-inbox .pop")).ToHaveCSSAsync("background-color", "rgb(255, 250, 240)");
        await Expect(themed.Locator("notification-inbox .pop")).ToHaveCSSAsync("border-top-left-radius", "2px");

        await using var dark = await fixture.NewContextAsync(colorScheme: ColorScheme.Dark);
        var page = await dark.OpenAppAsync(fixture.App.PageUrl(tenant.Id, "ada"));
        await page.OpenAsync();
        await Expect(page.Locator("notification-inbox .pop")).ToHaveCSSAsync("background-color", "rgb(32, 33, 36)");
    }
}

/// <summary>The preferences panel edits the user's categories × channels and quiet hours through /users/me/preferences.</summary>
[Collection("inbox-browser")]
public class InboxPreferencesTests(InboxBrowserFixture fixture)
{
    [ChromiumFact]
    public async Task A_channel_unticked_and_quiet_hours_saved_in_the_panel_are_the_users_preferences_and_required_stays_locked()
    {
        var tenant = await fixture.AppTenantAsync(fixture.ServiceUrl);
        await tenant.Http.PostJsonAsync("/api/v1/admin/categories", new { key = "orders", name = "Orders" });
        await tenant.Http.PostJsonAsync("/api/v1/admin/categories", new { key = "security", name = "Security", required = true });
        await using var context = await fixture.NewContextAsync();
        var page = await context.OpenAppAsync(fixture.App.PageUrl(tenant.Id, "ada"));
        await page.OpenAsync();
        await page.Locator("notification-inbox [part=preferences-button]").ClickAsync();

        await Expect(page.GetByLabel("Security: Email")).ToBeDisabledAsync();
        await page.GetByLabel("Orders: Email").UncheckAsync();
        await Expect(page.Locator("notification-inbox .note[data-for=channels]")).ToHaveTextAsync("Saved");
        await page.GetByLabel("Pause notifications during quiet hours").CheckAsync();
        await page.Locator("notification-inbox #qfrom").FillAsync("21:30");
        await page.Locator("notification-inbox #qzone").FillAsync("Europe/Paris");
        await page.Locator("notification-inbox [part=save]").ClickAsync();
        await Expect(page.Locator("notification-inbox .note[data-for=quiet]")).ToHaveTextAsync("Saved");

        var user = await fixture.UserClientAsync(tenant, "ada");
        var stored = (await user.GetFromJsonAsync<JsonNode>("/api/v1/users/me/preferences"))!;
        Assert.False(stored["effective"]!["orders"]!["email"]!.GetValue<bool>());
        Assert.True(stored["effective"]!["security"]!["email"]!.GetValue<bool>());
        Assert.Equal("Europe/Paris", stored["quietHours"]!["timeZone"]!.GetValue<string>());
        Assert.StartsWith("21:30", stored["quietHours"]!["windows"]![0]!["start"]!.GetValue<string>());
    }
}
