using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using NotificationService.Features.Sending.Providers;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>The overview's provider health: circuit state read from CircuitBreakers, the owner of the circuits.</summary>
[Collection("console")]
public class ConsoleOverviewTests(ConsoleFixture console)
{
    [ChromiumFact]
    public async Task A_provider_whose_circuit_opened_is_shown_failing_on_the_overview_and_only_to_its_tenant()
    {
        // A sandbox that always answers "try again later", with a circuit that opens after one failure and stays open.
        var tenant = await console.NewTenantAsync(null);
        var providerId = await console.AddProviderAsync(tenant.Id, "email", "sandbox", """{"transientRate": 1, "circuitBreakerThreshold": 1, "circuitBreakerOpenSeconds": 600}""");
        await tenant.Http.SendOkAsync(Api.Email());
        var circuits = console.Factory.Services.GetRequiredService<CircuitBreakers>();
        await Eventually.Async(() => circuits.StateOf(providerId).State == "open", "the sandbox's circuit to open");

        var page = await console.NewPageAsync();
        await page.SignInAtAsync(console, tenant, "/admin");
        await Assertions.Expect(page.Locator("#failing-providers")).ToContainTextAsync("1 failing provider(s)");
        var row = page.Locator($"#provider-health tr[data-provider='{providerId}']");
        await Assertions.Expect(row.Locator("[data-circuit]")).ToContainTextAsync("open until");

        var other = await console.NewTenantAsync(channels: "email");
        var otherPage = await console.NewPageAsync();
        await otherPage.SignInAtAsync(console, other, "/admin");
        await Assertions.Expect(otherPage.Locator("#failing-providers")).ToContainTextAsync("No failing providers");
        await Assertions.Expect(otherPage.Locator($"#provider-health tr[data-provider='{providerId}']")).ToHaveCountAsync(0);
    }
}
