using Microsoft.Playwright;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>The tenant's allowed web origins edited from `/admin/web-origins`: the API's rules and list, audited as the API is.</summary>
[Collection("console")]
public class ConsoleWebOriginTests(ConsoleFixture console)
{
    [ChromiumFact]
    public async Task Origins_saved_in_the_console_are_the_APIs_list_and_a_bad_line_is_refused_by_name_with_nothing_saved()
    {
        var tenant = await console.NewTenantAsync(null);
        var page = await console.NewPageAsync();
        await page.SignInAtAsync(console, tenant, "/admin/web-origins");
        var box = page.GetByLabel("Allowed origins, one per line");

        await box.FillAsync("https://App.Example.com/\nhttps://*.example.com");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save origins" }).ClickAsync();
        await Assertions.Expect(page.Locator("#origin-errors")).ToContainTextAsync("line \"https://*.example.com\"");
        await Assertions.Expect(box).ToHaveValueAsync("https://App.Example.com/\nhttps://*.example.com");   // the posted text is kept
        Assert.Equal("""{"origins":[]}""", (await tenant.Http.GetJsonAsync("/api/v1/admin/web-origins")).ToJsonString());

        await box.FillAsync("https://App.Example.com/\n\nhttp://localhost:3000");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save origins" }).ClickAsync();
        await Assertions.Expect(page.Locator("#flash")).ToContainTextAsync("2 origin(s) allowed");
        await Assertions.Expect(page.Locator("#web-origins tbody tr")).ToHaveCountAsync(2);
        Assert.Equal("""{"origins":["http://localhost:3000","https://app.example.com"]}""",
            (await tenant.Http.GetJsonAsync("/api/v1/admin/web-origins")).ToJsonString());
        Assert.Contains("web_origins.replace", await tenant.Http.GetStringAsync("/api/v1/admin/audit?targetType=web_origins"));
    }
}
