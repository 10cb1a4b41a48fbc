using System.Net.Http.Json;
using Microsoft.Playwright;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>
/// Destructive actions ask first and look destructive: a delete, revoke or erase is red, and one click never deletes
/// (the browser's confirmation, or the server-checked box or typed userId of a provider delete and an erase).
/// </summary>
[Collection("console")]
public class ConsoleDestructiveActionTests(ConsoleFixture console)
{
    [ChromiumFact]
    public async Task Deleting_a_category_asks_first_and_cancelling_keeps_it()
    {
        var tenant = await console.NewTenantAsync(null);
        await tenant.Http.PostOkAsync("/api/v1/admin/categories", new { key = "promotions", name = "Promotions" });
        var page = await console.NewPageAsync();
        await page.SignInAtAsync(console, tenant, "/admin/categories");

        var accept = false;
        var asked = new List<string>();
        var posts = new List<string>();
        page.Request += (_, request) => { if (request.Method == "POST") posts.Add(request.Url); };
        page.Dialog += async (_, dialog) =>
        {
            asked.Add(dialog.Message);
            if (accept) await dialog.AcceptAsync(); else await dialog.DismissAsync();
        };
        var delete = page.GetByRole(AriaRole.Button, new() { Name = "Delete category promotions" });
        await delete.ClickAsync();   // the click returns once the dialog is answered: the submit is cancelled by then
        Assert.Equal(["Delete the category promotions? Users' choices for it are kept but no longer used."], asked);
        Assert.Empty(posts);
        await Assertions.Expect(page.Locator("#categories tr[data-key=promotions]")).ToHaveCountAsync(1);
        Assert.Equal(200, (int)(await tenant.Http.GetAsync("/api/v1/admin/categories/promotions")).StatusCode);

        accept = true;
        await delete.ClickAsync();
        await Assertions.Expect(page.Locator("#flash")).ToContainTextAsync("Category promotions deleted");
        Assert.Equal(2, asked.Count);
        Assert.Equal(404, (int)(await tenant.Http.GetAsync("/api/v1/admin/categories/promotions")).StatusCode);
    }

    [ChromiumFact]
    public async Task Every_delete_revoke_and_erase_button_is_red_and_asks_unless_the_server_asks_for_a_confirmation_itself()
    {
        var tenant = await console.NewTenantAsync(null);
        await tenant.Http.PostOkAsync("/api/v1/admin/categories", new { key = "promotions", name = "Promotions" });
        await tenant.CreateKeyAsync("reporting", "notifications:read");
        Assert.True((await tenant.Http.PutAsJsonAsync("/api/v1/services/topics/building-12", new { name = "Building 12" })).IsSuccessStatusCode);
        Assert.True((await tenant.Http.PutAsJsonAsync("/api/v1/admin/templates/partials/signature", new { source = "Regards" })).IsSuccessStatusCode);
        var provider = await console.AddProviderAsync(tenant.Id, "email", "sandbox", "{}");
        await tenant.Http.PostOkAsync("/api/v1/admin/webhooks", new { url = "http://127.0.0.1:9/hook", events = new[] { "notification.sent" } });
        var page = await console.NewPageAsync();
        await page.SignInAsync(console, tenant);

        // (page, button, whether the browser asks: a provider delete and an erase have their own confirmation the server checks)
        (string Url, string Button, bool Asks)[] destructive =
        [
            ("/admin/categories", "Delete category promotions", true),
            ("/admin/api-keys", "Revoke reporting", true),
            ("/admin/topics?key=building-12", "Delete topic building-12", true),
            ("/admin/partials", "Delete partial signature", true),
            ("/admin/webhooks", "Delete endpoint http://127.0.0.1:9/hook", true),
            ($"/admin/providers/edit?id={provider}", "Delete provider", false),
            ("/admin/users?user=ada", "Erase user", false),
        ];
        foreach (var (url, name, asks) in destructive)
        {
            await page.GotoAsync(url);
            var button = page.GetByRole(AriaRole.Button, new() { Name = name, Exact = true });
            var ordinary = await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).EvaluateAsync<string>("b => getComputedStyle(b).backgroundColor");
            Assert.Equal("rgb(180, 35, 24)", await button.EvaluateAsync<string>("b => getComputedStyle(b).backgroundColor"));
            Assert.NotEqual(ordinary, await button.EvaluateAsync<string>("b => getComputedStyle(b).backgroundColor"));
            Assert.Equal(asks, await button.EvaluateAsync<bool>("b => !!(b.dataset.confirm || b.form.dataset.confirm)"));
            await page.AssertAccessibleAsync();   // the red passes axe's contrast check
        }
    }

    [ChromiumFact]
    public async Task A_webhook_endpoint_is_deleted_from_the_console_once_confirmed_and_another_tenants_is_not_found()
    {
        var tenant = await console.NewTenantAsync(null);
        var hook = await tenant.Http.PostOkAsync("/api/v1/admin/webhooks", new { url = "http://127.0.0.1:9/hook", events = new[] { "notification.sent" } });
        var id = hook["endpoint"]!["id"]!.GetValue<string>();
        var page = await console.NewPageAsync();
        await page.SignInAtAsync(console, tenant, "/admin/webhooks");
        page.AcceptConfirmations();
        await page.GetByRole(AriaRole.Button, new() { Name = "Delete endpoint http://127.0.0.1:9/hook" }).ClickAsync();
        await Assertions.Expect(page.Locator(".flash")).ToHaveTextAsync("Endpoint http://127.0.0.1:9/hook deleted: it receives nothing from now on.");
        await Assertions.Expect(page.Locator($"section[data-endpoint='{id}']")).ToHaveCountAsync(0);
        Assert.Equal(404, (int)(await tenant.Http.GetAsync($"/api/v1/admin/webhooks/{id}")).StatusCode);
        var audit = await tenant.Http.GetJsonAsync("/api/v1/admin/audit?action=webhook.delete");
        Assert.Equal("http://127.0.0.1:9/hook", Assert.Single(audit["items"]!.AsArray())!["before"]!["url"]!.GetValue<string>());

        var owner = await console.NewTenantAsync(null);
        var owned = (await owner.Http.PostOkAsync("/api/v1/admin/webhooks", new { url = "http://127.0.0.1:9/owned", events = new[] { "notification.sent" } }))["endpoint"]!["id"]!.GetValue<string>();
        var status = await page.EvaluateAsync<int>("""
            async id => (await fetch("/admin/webhooks?handler=Delete", {
                method: "POST", credentials: "same-origin", redirect: "manual",
                headers: { "X-CSRF-Token": document.querySelector("input[name=__csrf]").value, "Content-Type": "application/x-www-form-urlencoded" },
                body: "id=" + id })).status
            """, owned);
        Assert.Equal(404, status);
        Assert.Equal(200, (int)(await owner.Http.GetAsync($"/api/v1/admin/webhooks/{owned}")).StatusCode);
    }
}
