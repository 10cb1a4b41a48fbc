using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using NotificationService.Features.Administration.Members;
using NotificationService.Features.Tenancy.Suspension;
using NotificationService.Features.Tenancy.Tenants;

namespace NotificationService.Tests.Features.Administration.Console.Suspension;

/// <summary>A member opening the console of a suspended tenant reads a page that says so (not the problem document),
/// and axe finds nothing wrong with it.</summary>
[Collection("console")]
public class SuspendedConsoleBrowserTests(ConsoleFixture console)
{
    [ChromiumFact]
    public async Task A_member_of_a_suspended_tenant_reads_a_page_that_says_so()
    {
        var tenant = await console.NewTenantAsync();
        var page = await MemberClients.PageAsync(console, tenant.Id, MemberRoles.Admin);
        var tenants = console.Factory.Services.GetRequiredService<TenantStore>();
        Assert.True(await tenants.SetStatusAsync(tenant.Id, TenantStatuses.Suspended, default));
        console.Factory.Services.GetRequiredService<TenantSuspension>().Forget(tenant.Id);   // this replica's cache, now

        var refused = await page.GotoAsync("/admin/notifications");
        Assert.Equal(403, refused!.Status);
        Assert.StartsWith("text/html", refused.Headers["content-type"]);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Your team's account is suspended");
        await Assertions.Expect(page.Locator("body")).Not.ToContainTextAsync("tenant-suspended");
        await page.AssertAccessibleAsync();
    }
}
