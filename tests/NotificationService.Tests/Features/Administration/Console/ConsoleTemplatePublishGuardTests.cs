using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>
/// "Save and publish" of an edit that requires a variable recent sends did not carry: the editor says so as an error (an
/// alert listing the variables and how many sends lacked them), publishes nothing, and offers "Publish anyway", which
/// publishes the saved draft. The page with the refusal has no axe-core violations.
/// </summary>
[Collection("console")]
public class ConsoleTemplatePublishGuardTests(ConsoleFixture console)
{
    private static Task<IResponse?> ClickAsync(IPage page, string button) =>
        page.RunAndWaitForNavigationAsync(() => page.GetByRole(AriaRole.Button, new() { Name = button, Exact = true }).ClickAsync());

    [ChromiumFact]
    public async Task Publishing_a_variable_recent_sends_lacked_shows_an_error_with_the_list_and_count_and_publish_anyway_publishes()
    {
        var tenant = await console.NewTenantAsync();
        var template = await tenant.Http.CreateTemplateAsync(TemplateApi.Sms("code", "Your code {{code}}"));
        var url = $"{TemplateApi.Root}/{template.Id()}";
        for (var i = 0; i < 2; i++)
            await tenant.Http.SendOkAsync(new { channel = "sms", recipient = new { phone = "+14155550100" }, template = "code", data = new { code = "123" } });
        var page = await console.NewPageAsync();
        await page.SignInAtAsync(console, tenant, $"/admin/templates/{template.Id()}");

        await page.GetByLabel("body").FillAsync("Your code {{code}} for {{user.lastName}}");
        await ClickAsync(page, "Save and publish");

        var refused = page.Locator("#publish-refused");
        await Assertions.Expect(refused).ToHaveAttributeAsync("role", "alert");
        await Assertions.Expect(refused).ToHaveClassAsync("error");
        await Assertions.Expect(refused).ToContainTextAsync("2 of the template's 2 recent sends did not carry");
        await Assertions.Expect(page.Locator("#publish-missing li")).ToHaveTextAsync(["user.lastName"]);
        await Assertions.Expect(page.Locator("#flash")).ToHaveCountAsync(0);
        Assert.Equal((2, 1), await VersionsAsync(tenant, url));   // saved as a draft, not published
        var axe = await page.RunAxe();
        Assert.True(axe.Violations.Length == 0,
            string.Join("\n", axe.Violations.Select(v => $"{v.Id}: {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))}")));

        await ClickAsync(page, "Publish anyway");
        await Assertions.Expect(page.Locator("#flash")).ToHaveTextAsync("Version 2 is published: new sends use it.");
        await Assertions.Expect(page.Locator("#publish-refused")).ToHaveCountAsync(0);
        Assert.Equal((2, 2), await VersionsAsync(tenant, url));
    }

    private static async Task<(int Latest, int Published)> VersionsAsync(TestTenant tenant, string url)
    {
        var view = await tenant.Http.GetJsonAsync(url);
        return (view["latestVersion"]!.GetValue<int>(), view["publishedVersion"]!.GetValue<int>());
    }
}
