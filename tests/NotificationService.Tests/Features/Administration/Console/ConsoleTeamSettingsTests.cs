using Microsoft.Playwright;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>The team's settings edited from `/admin/settings`: the API's settings, changed through the same store and
/// audited as the API's PUT is; the page passes axe in both schemes and at phone width.</summary>
[Collection("console")]
public class ConsoleTeamSettingsTests(ConsoleFixture console)
{
    [ChromiumFact]
    public async Task Settings_saved_in_the_console_are_the_APIs_and_an_unticked_box_turns_its_setting_off()
    {
        var tenant = await console.NewTenantAsync(null);
        var page = await console.NewPageAsync();
        await page.SignInAtAsync(console, tenant, "/admin/settings");
        await Assertions.Expect(page.Locator("#team-settings-now")).ToContainTextAsync("refused (https: only)");
        await page.AssertAccessibleInEachSchemeAndWidthAsync();

        await page.GetByLabel("Allow plain http: links").CheckAsync();
        await page.GetByLabel("Require a second factor of every member").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();
        await Assertions.Expect(page.Locator("#flash")).ToHaveTextAsync("Settings saved.");
        Assert.Equal("""{"allowHttpLinks":true,"requireTotp":true}""", (await tenant.Http.GetJsonAsync("/api/v1/admin/settings")).ToJsonString());
        await Assertions.Expect(page.Locator("#team-settings-now")).ToContainTextAsync("every member");

        await page.GetByLabel("Allow plain http: links").UncheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Save settings" }).ClickAsync();
        await Assertions.Expect(page.Locator("#flash")).ToHaveTextAsync("Settings saved.");
        Assert.Equal("""{"allowHttpLinks":false,"requireTotp":true}""", (await tenant.Http.GetJsonAsync("/api/v1/admin/settings")).ToJsonString());
        var audit = await tenant.Http.GetStringAsync("/api/v1/admin/audit?targetType=settings");
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Count(audit, "settings.replace"));
    }
}
