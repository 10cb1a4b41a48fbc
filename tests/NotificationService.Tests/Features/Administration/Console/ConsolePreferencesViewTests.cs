using System.Net.Http.Json;
using Microsoft.Playwright;
using NotificationService.Tests.Features.People.Recipients;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>
/// A user's preferences on their console page read as a table: per category and channel on or off (what a send does
/// now), which of those the user chose, required categories marked, muted topics and quiet hours in words. They showed
/// as stored JSON, and as a lone "—" for a user who had set nothing.
/// </summary>
[Collection("console")]
public class ConsolePreferencesViewTests(ConsoleFixture console)
{
    [ChromiumFact]
    public async Task A_users_preferences_read_per_category_and_channel_with_their_own_choices_marked()
    {
        var tenant = await console.NewTenantAsync(null);
        await tenant.Http.PostOkAsync("/api/v1/admin/categories", new { key = "promotions", name = "Promotions", channels = new { sms = false } });
        await tenant.Http.PostOkAsync("/api/v1/admin/categories", new { key = "security", name = "Security alerts", required = true });
        Assert.True((await tenant.Http.PutAsJsonAsync("/api/v1/services/topics/building-12", new { name = "Building 12" })).IsSuccessStatusCode);
        var chose = await tenant.Http.PutAsJsonAsync($"{RecipientsApi.Of("ada")}/preferences", new
        {
            channels = new { push = false },
            categories = new { promotions = new { email = false } },
            topics = new Dictionary<string, bool> { ["building-12"] = false },
            quietHours = new { timeZone = "Europe/Paris", windows = new[] { new { days = new[] { "sat", "sun" }, start = "22:00", end = "07:00" } } },
        });
        Assert.True(chose.IsSuccessStatusCode, await chose.Content.ReadAsStringAsync());

        var page = await console.NewPageAsync();
        await page.SignInAtAsync(console, tenant, "/admin/users?user=ada");
        var table = page.Locator("#preferences");
        await Assertions.Expect(table.Locator("tr[data-category=''] td[data-channel=push]")).ToHaveTextAsync("off, own choice");
        await Assertions.Expect(table.Locator("tr[data-category=''] td[data-channel=email]")).ToHaveTextAsync("not set");
        var promotions = table.Locator("tr[data-category=promotions]");
        await Assertions.Expect(promotions.Locator("th")).ToHaveTextAsync("Promotions promotions");
        await Assertions.Expect(promotions.Locator("td[data-channel=email]")).ToHaveTextAsync("off, own choice");
        await Assertions.Expect(promotions.Locator("td[data-channel=sms]")).ToHaveTextAsync("off");      // the tenant's default
        await Assertions.Expect(promotions.Locator("td[data-channel=push]")).ToHaveTextAsync("off");     // the user's channel switch
        await Assertions.Expect(promotions.Locator("td[data-channel=in_app]")).ToHaveTextAsync("on");
        var security = table.Locator("tr[data-category=security]");
        await Assertions.Expect(security.Locator("th")).ToContainTextAsync("(required)");
        await Assertions.Expect(security.Locator("td[data-channel=push]")).ToHaveTextAsync("on");        // required wins over the switch
        await Assertions.Expect(page.Locator("#muted-topics")).ToHaveTextAsync("Muted topics: building-12");
        await Assertions.Expect(page.Locator("#quiet-hours")).ToHaveTextAsync("Quiet hours: sat, sun 22:00–07:00 (Europe/Paris)");
        await Assertions.Expect(page.Locator("#no-preferences")).ToHaveCountAsync(0);
        await page.AssertAccessibleAsync();
        await page.AssertFitsPhoneWidthAsync();
    }

    [ChromiumFact]
    public async Task A_user_who_set_nothing_is_said_to_have_the_tenants_defaults_shown_per_category()
    {
        var tenant = await console.NewTenantAsync(null);
        await tenant.Http.PostOkAsync("/api/v1/admin/categories", new { key = "promotions", name = "Promotions", channels = new { sms = false } });
        var page = await console.NewPageAsync();
        await page.SignInAtAsync(console, tenant, "/admin/users?user=nobody-yet");
        await Assertions.Expect(page.Locator("#no-preferences")).ToHaveTextAsync("This user has set nothing: the tenant's defaults apply.");
        await Assertions.Expect(page.Locator("#preferences tr[data-category=promotions] td[data-channel=sms]")).ToHaveTextAsync("off");
        await Assertions.Expect(page.Locator("#preferences tr[data-category=promotions] td[data-channel=email]")).ToHaveTextAsync("on");
        await Assertions.Expect(page.Locator("#muted-topics")).ToHaveTextAsync("Muted topics: none");
        await Assertions.Expect(page.Locator("#quiet-hours")).ToHaveTextAsync("Quiet hours: none");
    }
}
