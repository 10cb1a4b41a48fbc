using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using NotificationService.Features.Sending.Providers;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>The providers page: each provider's circuit (read where the overview reads it) and a delete behind a confirmation, audited.</summary>
[Collection("console")]
public class ConsoleProviderDeleteTests(ConsoleFixture console)
{
    [ChromiumFact]
    public async Task The_providers_page_shows_an_open_circuit_and_a_provider_is_deleted_only_once_confirmed()
    {
        var tenant = await console.NewTenantAsync(null);
        var failing = await console.AddProviderAsync(tenant.Id, "email", "sandbox", """{"transientRate": 1, "circuitBreakerThreshold": 1, "circuitBreakerOpenSeconds": 600}""");
        var healthy = await console.AddProviderAsync(tenant.Id, "sms", "sandbox", "{}");
        await tenant.Http.SendOkAsync(Api.Email());
        var circuits = console.Factory.Services.GetRequiredService<CircuitBreakers>();
        await Eventually.Async(() => circuits.StateOf(failing).State == "open", "the sandbox's circuit to open");

        var page = await console.NewPageAsync();
        await page.SignInAtAsync(console, tenant, "/admin/providers");
        await Assertions.Expect(page.Locator($"#providers tr[data-provider='{failing}'] [data-circuit]")).ToContainTextAsync("open until");
        await Assertions.Expect(page.Locator($"#providers tr[data-provider='{healthy}'] [data-circuit]")).ToHaveTextAsync("closed");

        await page.Locator($"#providers tr[data-provider='{failing}']").GetByRole(AriaRole.Link, new() { Name = "Delete sandbox" }).ClickAsync();
        var confirm = page.Locator("#delete-provider");
        // Without the box ticked (the browser's own check bypassed), the server refuses too.
        await confirm.Locator("input[name=confirm]").EvaluateAsync("box => box.removeAttribute('required')");
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Delete provider" }).ClickAsync();
        await Assertions.Expect(page.Locator("#provider-errors")).ToContainTextAsync("tick the box");
        Assert.Equal(200, (int)(await tenant.Http.GetAsync($"/api/v1/admin/providers/{failing}")).StatusCode);

        await confirm.GetByLabel("Yes, delete sandbox").CheckAsync();
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Delete provider" }).ClickAsync();
        await Assertions.Expect(page.Locator("#flash")).ToContainTextAsync("Provider sandbox deleted");
        await Assertions.Expect(page.Locator($"#providers tr[data-provider='{failing}']")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator($"#providers tr[data-provider='{healthy}']")).ToHaveCountAsync(1);
        Assert.Equal(404, (int)(await tenant.Http.GetAsync($"/api/v1/admin/providers/{failing}")).StatusCode);
        var audit = await tenant.Http.GetJsonAsync($"/api/v1/admin/audit?action=provider.delete&targetId={failing}");
        var entry = Assert.Single(audit["items"]!.AsArray());
        Assert.StartsWith(await console.OwnerActorAsync(tenant), entry!["actor"]!.GetValue<string>());
        Assert.Equal("email", entry["before"]!["channel"]!.GetValue<string>());
    }

    [ChromiumFact]
    public async Task Another_tenants_provider_cannot_be_deleted_from_the_console()
    {
        var owner = await console.NewTenantAsync(null);
        var provider = await console.AddProviderAsync(owner.Id, "email", "sandbox", "{}");
        var intruder = await console.NewTenantAsync(null);
        var page = await console.NewPageAsync();
        await page.SignInAsync(console, intruder);
        Assert.Equal(404, (await page.GotoAsync($"/admin/providers/edit?id={provider}"))!.Status);
        await page.GotoAsync("/admin/providers");
        var status = await page.EvaluateAsync<int>("""
            async id => (await fetch(`/admin/providers/edit?handler=Delete`, {
                method: "POST", credentials: "same-origin",
                headers: { "X-CSRF-Token": document.querySelector("input[name=__csrf]").value, "Content-Type": "application/x-www-form-urlencoded" },
                body: new URLSearchParams({ id, confirm: "true" }) })).status
            """, provider.ToString());
        Assert.Equal(404, status);
        Assert.Equal(200, (int)(await owner.Http.GetAsync($"/api/v1/admin/providers/{provider}")).StatusCode);
    }
}
