using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using NotificationService.Features.Administration.Console.Session;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>A session ends when it expires or when its key is revoked, whatever the browser still holds.</summary>
[Collection("console")]
public class ConsoleSessionTests(ConsoleFixture console)
{
    [Fact]
    public async Task An_expired_session_is_not_found_and_a_live_one_is()
    {
        var tenant = await console.NewTenantAsync(sandboxSettingsJson: null);
        var sessions = console.Factory.Services.GetRequiredService<ConsoleSessionStore>();
        var live = await sessions.CreateAsync(tenant.Id, Guid.NewGuid(), tenant.ApiKey[..12], ["admin"], false, TimeSpan.FromMinutes(5), default);
        var expired = await sessions.CreateAsync(tenant.Id, Guid.NewGuid(), tenant.ApiKey[..12], ["admin"], false, TimeSpan.FromSeconds(-1), default);

        Assert.NotNull(await sessions.FindAsync(live, default));
        Assert.Null(await sessions.FindAsync(expired, default));
        Assert.Null(await sessions.FindAsync(live[..^1] + (live[^1] == 'A' ? 'B' : 'A'), default));   // one character off
        Assert.Null(await sessions.FindAsync("not-a-token", default));
    }

    [ChromiumFact]
    public async Task Revoking_the_key_ends_the_console_sessions_opened_with_it()
    {
        var tenant = await console.NewTenantAsync();
        var second = await tenant.CreateKeyAsync("second admin", "admin");
        var page = await console.NewPageAsync();
        await page.SignInAsync(second);
        await page.GotoAsync("/admin/api-keys");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("API keys");

        var keys = (await tenant.Http.GetStringAsync("/api/v1/admin/api-keys"));
        var id = System.Text.Json.Nodes.JsonNode.Parse(keys)!.AsArray().Single(k => k!["prefix"]!.GetValue<string>() == second[..12])!["id"]!.GetValue<string>();
        Assert.True((await tenant.Http.DeleteAsync($"/api/v1/admin/api-keys/{id}")).IsSuccessStatusCode);

        await page.ReloadAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/admin/sign-in"));
    }
}
