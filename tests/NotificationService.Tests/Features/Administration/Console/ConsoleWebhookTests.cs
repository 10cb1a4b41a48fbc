using Microsoft.Playwright;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>Webhook endpoints managed from the console: create, rotate the secret (shown once), change the event filter.</summary>
[Collection("console")]
public class ConsoleWebhookTests(ConsoleFixture console)
{
    private const string Url = "http://127.0.0.1:9/console-hook";   // loopback is an allowed target in tests; nothing is delivered here

    [ChromiumFact]
    public async Task An_endpoint_is_created_its_secret_rotated_and_its_events_changed_with_secrets_shown_once()
    {
        var tenant = await console.NewTenantAsync(null);
        var page = await console.NewPageAsync();
        await page.SignInAtAsync(console, tenant, "/admin/webhooks");
        var create = page.Locator("#create-webhook");

        await create.GetByLabel("URL").FillAsync("ftp://example.com/hook");
        await create.GetByLabel("notification.sent").CheckAsync();
        var refused = await page.RunAndWaitForResponseAsync(() => create.GetByRole(AriaRole.Button, new() { Name = "Add endpoint" }).ClickAsync(), r => r.Request.Method == "POST");
        Assert.Equal(200, refused.Status);   // a form error, not a 5xx
        await Assertions.Expect(page.Locator("#webhook-errors")).ToContainTextAsync("absolute http(s) URL");

        await create.GetByLabel("URL").FillAsync(Url);
        await create.GetByLabel("notification.sent").CheckAsync();
        await create.GetByRole(AriaRole.Button, new() { Name = "Add endpoint" }).ClickAsync();
        var secret = page.Locator("#new-secret");
        await Assertions.Expect(secret).Not.ToBeEmptyAsync();
        var first = (await secret.TextContentAsync())!.Trim();
        var id = Guid.Parse((await secret.GetAttributeAsync("data-endpoint"))!);
        var endpoint = page.Locator($"section[data-endpoint='{id}']");
        await Assertions.Expect(endpoint).ToContainTextAsync("notification.sent · enabled");

        await endpoint.GetByRole(AriaRole.Button, new() { Name = $"Rotate secret of {Url}" }).ClickAsync();
        await Assertions.Expect(secret).Not.ToHaveTextAsync(first);
        var second = (await secret.TextContentAsync())!.Trim();
        await Assertions.Expect(endpoint).ToContainTextAsync("the previous secret still signs until");

        await endpoint.GetByLabel("notification.sent").UncheckAsync();
        await endpoint.GetByLabel("notification.failed").CheckAsync();
        await endpoint.GetByRole(AriaRole.Button, new() { Name = $"Save events of {Url}" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("now receives: notification.failed");
        var stored = await tenant.Http.GetJsonAsync($"/api/v1/admin/webhooks/{id}");
        Assert.Equal(["notification.failed"], stored["events"]!.AsArray().Select(e => e!.GetValue<string>()));

        await page.GotoAsync("/admin/webhooks");
        var html = await page.ContentAsync();
        Assert.DoesNotContain(first, html);
        Assert.DoesNotContain(second, html);
        var audit = await tenant.Http.GetStringAsync("/api/v1/admin/audit?targetType=webhook");
        foreach (var action in new[] { "webhook.create", "webhook.rotate_secret", "webhook.update" }) Assert.Contains(action, audit);
        Assert.DoesNotContain(first, audit);
        Assert.DoesNotContain(second, audit);
    }

    [ChromiumFact]
    public async Task Another_tenants_endpoint_cannot_be_rotated_or_refiltered()
    {
        var owner = await console.NewTenantAsync(null);
        var created = await owner.Http.PostOkAsync("/api/v1/admin/webhooks", new { url = Url, events = new[] { "notification.sent" } });
        var id = created["endpoint"]!["id"]!.GetValue<string>();

        var intruder = await console.NewTenantAsync(null);
        var page = await console.NewPageAsync();
        await page.SignInAtAsync(console, intruder, "/admin/webhooks");
        foreach (var handler in new[] { "Rotate", "Events" })
        {
            var status = await page.EvaluateAsync<int>("""
                async ([handler, id]) => (await fetch(`/admin/webhooks?handler=${handler}`, {
                    method: "POST", credentials: "same-origin",
                    headers: { "X-CSRF-Token": document.querySelector("input[name=__csrf]").value, "Content-Type": "application/x-www-form-urlencoded" },
                    body: new URLSearchParams({ id, events: "notification.failed" }) })).status
                """, new[] { handler, id });
            Assert.Equal(404, status);
        }
        var stored = await owner.Http.GetJsonAsync($"/api/v1/admin/webhooks/{id}");
        Assert.Equal(["notification.sent"], stored["events"]!.AsArray().Select(e => e!.GetValue<string>()));
        Assert.Null(stored["previousSecretExpiresAt"]?.GetValue<string>());
    }
}
