using Microsoft.Playwright;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>
/// The console reads as a person expects (issue 29): the audit log as fields before and after (HTML as HTML, a template's
/// key as its key, a signing secret redacted), recipients as addresses (an in-app row names its user, not a phone), a
/// recipient found whatever its case, and an empty list saying so instead of showing a table with no rows.
/// </summary>
[Collection("console")]
public class ConsoleReadabilityTests(ConsoleFixture console)
{
    [ChromiumFact]
    public async Task The_audit_log_shows_each_changed_field_before_and_after_with_keys_kept_and_secrets_redacted()
    {
        var tenant = await console.NewTenantAsync();
        var template = await tenant.Http.CreateTemplateAsync(new { key = "welcome", channel = "email", locale = "en", parts = new { subject = "Hi", html = "<p>Hello</p>" } });
        Assert.True((await tenant.Http.PutJsonAsync($"{TemplateApi.Root}/{template.Id()}", new { parts = new { subject = "Hi", html = "<p>Hello <b>you</b></p>" } })).IsSuccessStatusCode);
        var hook = await (await tenant.Http.PostJsonAsync("/api/v1/admin/webhooks", new { url = "http://127.0.0.1:9/hook", events = new[] { "notification.sent" } })).JsonAsync();
        var secret = hook["secret"]!.GetValue<string>();

        var page = await console.NewPageAsync();
        await page.SignInAtAsync(console, tenant, "/admin/audit");

        var update = page.Locator("#audit tr[data-entry]", new() { HasText = "template.update" });
        await update.Locator("summary").ClickAsync();
        var html = update.Locator("tr[data-field='parts.html']");
        await Assertions.Expect(html.Locator("[data-side=before]")).ToHaveTextAsync("<p>Hello</p>");            // as written, no \u003C
        await Assertions.Expect(html.Locator("[data-side=after]")).ToHaveTextAsync("<p>Hello <b>you</b></p>");
        await Assertions.Expect(update.Locator("tr[data-field='latestVersion'] [data-side=after]")).ToHaveTextAsync("2");
        await Assertions.Expect(update.Locator("tr[data-field='parts.subject']")).ToHaveCountAsync(0);          // unchanged: not listed

        var create = page.Locator("#audit tr[data-entry]", new() { HasText = "template.create" });
        await create.Locator("summary").ClickAsync();
        await Assertions.Expect(create.Locator("tr[data-field='key'] [data-side=after]")).ToHaveTextAsync("welcome");   // a key is not a secret

        var webhook = page.Locator("#audit tr[data-entry]", new() { HasText = "webhook.create" });
        await webhook.Locator("summary").ClickAsync();
        await Assertions.Expect(webhook.Locator("tr[data-field='endpoint.url'] [data-side=after]")).ToHaveTextAsync("http://127.0.0.1:9/hook");
        await Assertions.Expect(webhook.Locator("tr[data-field='secret'] [data-side=after]")).ToHaveTextAsync("[redacted]");
        Assert.DoesNotContain(secret, await page.ContentAsync());
        Assert.DoesNotContain("\\u003C", await page.ContentAsync());
    }

    [ChromiumFact]
    public async Task Recipients_read_as_addresses_an_in_app_row_names_its_user_and_search_ignores_case()
    {
        var tenant = await console.NewTenantAsync(channels: "email");
        var email = await tenant.Http.SendOkAsync(Api.Email("ada.lovelace@example.com"));
        var inApp = await tenant.Http.SendOkAsync(new { channel = "in_app", recipient = new { userId = "user-ada", phone = "+14155550100" }, content = new { subject = "Hi", body = "Hello" } });
        await tenant.Http.WaitForStatusAsync(email, "sent");
        await tenant.Http.WaitForStatusAsync(inApp, "sent");

        var page = await console.NewPageAsync();
        await page.SignInAtAsync(console, tenant, "/admin/sandbox");
        await Assertions.Expect(page.Locator("article.message [data-recipient]")).ToHaveTextAsync("ada.lovelace@example.com");   // not {"email":…}

        await page.GotoAsync("/admin/notifications");
        await Assertions.Expect(page.Locator("#results tbody tr", new() { HasText = "in_app" }).Locator("[data-recipient]")).ToHaveTextAsync("user-ada");

        await page.GetByLabel("Recipient").FillAsync("ADA.Lovelace@EXAMPLE.com");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Assertions.Expect(page.Locator("#results tbody tr")).ToHaveCountAsync(1);
        await Assertions.Expect(page.Locator("#results [data-recipient]")).ToHaveTextAsync("ada.lovelace@example.com");
        await page.GotoAsync("/admin/notifications?recipient=USER-ADA");
        await Assertions.Expect(page.Locator("#results tbody tr")).ToHaveCountAsync(1);
    }

    [ChromiumFact]
    public async Task A_new_tenants_empty_lists_say_so_and_no_page_shows_an_empty_table()
    {
        var tenant = await console.NewTenantAsync(null);   // nothing at all: no providers, templates, sends, jobs
        var page = await console.NewPageAsync();
        await page.SignInAsync(console, tenant);
        var pages = new[]
        {
            "/admin", "/admin/queues", "/admin/notifications", "/admin/templates", "/admin/partials", "/admin/layouts", "/admin/providers",
            "/admin/bulk", "/admin/sandbox", "/admin/webhooks", "/admin/suppressions", "/admin/categories", "/admin/web-origins", "/admin/workflows", "/admin/workflows/runs",   // not the audit log: it holds the member's own sign-in
            "/admin/topics",
        };
        var problems = new List<string>();
        foreach (var path in pages)
        {
            await page.GotoAsync(path);
            var empty = await page.Locator("table:not(:has(tbody tr))").CountAsync();
            if (empty > 0) problems.Add($"{path}: {empty} table(s) without a row");
            if (await page.Locator(".empty").CountAsync() == 0) problems.Add($"{path}: no sentence saying the list is empty");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}
