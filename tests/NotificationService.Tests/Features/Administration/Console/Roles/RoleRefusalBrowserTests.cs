using Microsoft.Playwright;
using NotificationService.Features.Administration.Members;

namespace NotificationService.Tests.Features.Administration.Console.Roles;

/// <summary>An editor in a browser: no menu entry or form of what an editor cannot do, and a refused page is a console
/// page (navigation, the roles it needs, who can grant them) that axe finds nothing wrong with.</summary>
[Collection("console")]
public class RoleRefusalBrowserTests(ConsoleFixture console)
{
    [ChromiumFact]
    public async Task An_editor_is_offered_only_what_an_editor_can_do_and_a_refused_page_says_who_can_grant_it()
    {
        var tenant = await console.NewTenantAsync();
        var page = await MemberClients.PageAsync(console, tenant.Id, MemberRoles.Editor);

        await page.GotoAsync("/admin/webhooks");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Webhooks");
        await Assertions.Expect(page.Locator("nav a[href='/admin/members']")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("nav a[href='/admin/audit']")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator("#create-webhook")).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator(".needs-role").First).ToContainTextAsync("owner or admin");

        var refused = await page.GotoAsync("/admin/api-keys");
        Assert.Equal(403, refused!.Status);
        Assert.StartsWith("text/html", refused.Headers["content-type"]);
        await Assertions.Expect(page.Locator("#refused")).ToContainTextAsync("Your role (editor) does not allow this. It needs the role owner or admin.");
        await Assertions.Expect(page.Locator("nav[aria-label='Console']")).ToBeVisibleAsync();
        await page.AssertAccessibleAsync();
    }
}
