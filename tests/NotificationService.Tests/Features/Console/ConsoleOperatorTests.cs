using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using NotificationService.Features.Tenants;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Console;

/// <summary>`Admin:OperatorKeys`: an operator's session sees every tenant's queues and picks one; a tenant admin never does.</summary>
[Collection("console")]
public class ConsoleOperatorTests(ConsoleFixture console)
{
    [ChromiumFact]
    public async Task An_operator_picks_another_tenant_and_sees_its_dead_jobs_while_a_tenant_admin_has_no_picker()
    {
        var failing = await console.NewTenantAsync("""{"permanentRate": 1}""", "email");
        var id = await console.SendToDeadJobAsync(failing);

        var home = await console.NewTenantAsync();
        await using (var scope = console.Factory.Services.CreateAsyncScope())
        {
            var tenants = scope.ServiceProvider.GetRequiredService<TenantStore>();
            if (await tenants.FindActiveByPrefixAsync(ConsoleFixture.OperatorKey[..12], default) is null)
                await tenants.CreateServiceAccountAsync(home.Id, "operator", [Scopes.Admin], default, ConsoleFixture.OperatorKey);
        }

        var admin = await console.NewPageAsync();
        await admin.SignInAsync(home.ApiKey);
        await admin.GotoAsync("/admin/queues?queue=email&tenant=" + failing.Id);   // a tenant admin's tenant parameter is ignored
        Assert.Equal(0, await admin.GetByLabel("Tenant").CountAsync());
        await Assertions.Expect(admin.Locator("#dead-jobs")).ToHaveCountAsync(0);

        var op = await console.NewPageAsync();
        await op.SignInAsync(ConsoleFixture.OperatorKey);
        await op.GotoAsync("/admin/queues?queue=email");
        await op.GetByLabel("Tenant").SelectOptionAsync(failing.Id.ToString());
        await op.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await Assertions.Expect(op.Locator("#dead-jobs tbody tr")).ToHaveCountAsync(1);
    }
}
