using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using NotificationService.Tests.Features.People.Recipients;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Features.Sending.Webhooks;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>
/// The delivery log's category filter across keyset pages, a send by userId found by the address it went to, and a
/// notification's webhook deliveries on its page.
/// </summary>
[Collection("console")]
public class ConsoleDeliveryLogTests(ConsoleFixture console)
{
    private static object Batch(string category, int count, string prefix) => new
    {
        channel = "email", category, content = new { subject = "s", body = "b" },
        recipients = Enumerable.Range(0, count).Select(i => new { email = $"{prefix}{i}@example.com" }).ToArray(),
    };

    [ChromiumFact]
    public async Task The_category_filter_holds_across_older_pages()
    {
        var tenant = await console.NewTenantAsync(channels: "email");
        foreach (var key in new[] { "receipts", "news" })
            await tenant.Http.PostOkAsync("/api/v1/admin/categories", new { key, name = key.ToUpperInvariant() });
        await tenant.Http.PostOkAsync("/api/v1/services/notifications/send-batch", Batch("receipts", 55, "r"));
        await tenant.Http.PostOkAsync("/api/v1/services/notifications/send-batch", Batch("news", 60, "n"));   // newer: without the filter they fill page one

        var page = await console.NewPageAsync();
        await page.SignInAtAsync(console, tenant, "/admin/notifications");
        Assert.Equal(["news", "receipts"], (await page.Locator("#category-keys option").EvaluateAllAsync<string[]>("os => os.map(o => o.value)")).Order());
        await page.GetByLabel("Category").FillAsync("receipts");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        var rows = page.Locator("#results tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(50);
        var seen = new HashSet<string>(await CategoryRowsAsync(page, "receipts"));
        await page.AssertFitsPhoneWidthAsync();

        await page.GetByRole(AriaRole.Link, new() { Name = "Older" }).ClickAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(5);
        Assert.Contains("category=receipts", page.Url);
        Assert.Equal("receipts", await page.GetByLabel("Category").InputValueAsync());
        foreach (var email in await CategoryRowsAsync(page, "receipts")) Assert.True(seen.Add(email), $"{email} on both pages");
        Assert.Equal(55, seen.Count);
        Assert.All(seen, e => Assert.StartsWith("r", e));
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Older" })).ToHaveCountAsync(0);

        await page.GetByLabel("Category").FillAsync("no-such-category");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(0);
    }

    [ChromiumFact]
    public async Task A_send_by_userId_is_found_by_the_address_it_was_delivered_to_in_any_case_and_only_in_its_own_tenant()
    {
        var tenant = await console.NewTenantAsync(channels: ["email", "sms"]);
        await tenant.Http.IdentifyAsync("u-50", new { email = "Ada.Lovelace@Example.com", phone = "+14155550150" });
        var email = await tenant.Http.SendOkAsync(new { channel = "email", recipient = new { userId = "u-50" }, content = new { subject = "s", body = "b" } });
        var sms = await tenant.Http.SendOkAsync(new { channel = "sms", recipient = new { userId = "u-50" }, content = new { body = "b" } });
        var unrelated = await tenant.Http.SendOkAsync(Api.Email("someone.else@example.com"));
        foreach (var id in new[] { email, sms, unrelated }) await tenant.Http.WaitForStatusAsync(id, "sent");

        var page = await console.NewPageAsync();
        await page.SignInAtAsync(console, tenant, "/admin/notifications");
        var rows = page.Locator("#results tbody tr");
        await page.GetByLabel("Recipient").FillAsync("ADA.LOVELACE@example.COM");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(rows.Locator("[data-recipient]")).ToHaveTextAsync("u-50 to ada.lovelace@example.com");
        await Assertions.Expect(rows.Locator($"a[href='/admin/notifications/{email}']")).ToHaveCountAsync(1);
        await page.AssertAccessibleAsync();

        await page.GetByLabel("Recipient").FillAsync("+14155550150");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Assertions.Expect(rows.Locator($"a[href='/admin/notifications/{sms}']")).ToHaveCountAsync(1);
        await Assertions.Expect(rows).ToHaveCountAsync(1);

        // Another tenant's log, searched for the same address, shows nothing of the first's.
        var other = await console.NewTenantAsync(channels: "email");
        var otherPage = await console.NewPageAsync();
        await otherPage.SignInAtAsync(console, other, "/admin/notifications?recipient=ada.lovelace%40example.com");
        await Assertions.Expect(otherPage.Locator("#no-results")).ToBeVisibleAsync();
    }

    /// <summary>Every row's category cell says <paramref name="category"/>; returns the rows' recipients.</summary>
    private static async Task<string[]> CategoryRowsAsync(IPage page, string category)
    {
        var cells = await page.Locator("#results tbody tr").EvaluateAllAsync<string[][]>("rs => rs.map(r => [...r.cells].map(c => c.textContent.trim()))");
        Assert.All(cells, c => Assert.Equal(category, c[2]));
        return [.. cells.Select(c => c[3])];
    }

    [ChromiumFact]
    public async Task A_notifications_page_lists_the_webhook_deliveries_of_its_events_and_only_its_own()
    {
        await using var receiver = await LoopbackReceiver.StartAsync();
        var tenant = await console.NewTenantAsync(channels: "email");
        var endpoint = await tenant.Http.PostOkAsync("/api/v1/admin/webhooks", new { url = receiver.Url, events = new[] { "notification.accepted", "notification.sent" } });
        var endpointId = endpoint["endpoint"]!["id"]!.GetValue<string>();
        var id = await tenant.Http.SendOkAsync(Api.Email("linked@example.com"));
        var other = await tenant.Http.SendOkAsync(Api.Email("other@example.com"));
        await tenant.Http.WaitForStatusAsync(id, "sent");
        await tenant.Http.WaitForStatusAsync(other, "sent");
        await Eventually.Async(async () => (await tenant.Http.GetFromJsonAsync<JsonArray>($"/api/v1/admin/webhooks/{endpointId}/deliveries"))!
            .Count(d => d!["status"]!.GetValue<string>() == "succeeded") == 4, "the four deliveries to succeed");

        var page = await console.NewPageAsync();
        await page.SignInAtAsync(console, tenant, $"/admin/notifications/{id}");
        var rows = page.Locator("#webhook-deliveries tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(2);   // its accepted and sent events, not the other notification's
        var cells = await rows.EvaluateAllAsync<string[][]>("rs => rs.map(r => [...r.cells].map(c => c.textContent.trim()))");
        Assert.Equal(["notification.accepted", "notification.sent"], cells.Select(c => c[0]).Order());
        Assert.All(cells, c =>
        {
            Assert.Equal(receiver.Url, c[1]);
            Assert.Equal("succeeded", c[2]);
            Assert.Equal("200", c[3]);
            Assert.Equal("1", c[4]);
        });
        var receivedIds = receiver.Requests.Where(r => r.Body.Contains(id.ToString())).Select(r => r.Id).ToHashSet();
        var shownIds = await rows.EvaluateAllAsync<string[]>("rs => rs.map(r => r.dataset.delivery)");
        Assert.Equal(2, receivedIds.Count);
        Assert.True(receivedIds.SetEquals(shownIds.Select(d => "msg_" + Guid.Parse(d).ToString("N"))), "the rows are the deliveries the receiver got for this notification");

        await ConsolePages.AssertFitsPhoneWidthAsync(page);

        var intruder = await console.NewTenantAsync(channels: "email");
        var strange = await console.NewPageAsync();
        await strange.SignInAsync(console, intruder);
        Assert.Equal(404, (await strange.GotoAsync($"/admin/notifications/{id}"))!.Status);
    }
}
