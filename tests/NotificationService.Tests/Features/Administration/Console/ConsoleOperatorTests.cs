using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Tests.Features.Sending.Templates;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>`Admin:OperatorTenant`: a console session of that team's owner is an operator's; it sees every tenant's queues
/// and picks one; a tenant's owner never does.</summary>
[Collection("console")]
public class ConsoleOperatorTests(ConsoleFixture console)
{
    [ChromiumFact]
    public async Task An_operator_picks_another_tenant_and_sees_its_dead_jobs_while_a_tenant_admin_has_no_picker()
    {
        var failing = await console.NewTenantAsync("""{"permanentRate": 1}""", "email");
        var id = await console.SendToDeadJobAsync(failing);

        var home = await console.NewTenantAsync();

        var admin = await console.NewPageAsync();
        await admin.SignInAsync(console, home);
        await admin.GotoAsync("/admin/queues?queue=email&tenant=" + failing.Id);   // a tenant admin's tenant parameter is ignored
        Assert.Equal(0, await admin.GetByLabel("Tenant").CountAsync());
        await Assertions.Expect(admin.Locator("#dead-jobs")).ToHaveCountAsync(0);

        var op = await console.NewPageAsync();
        await op.SignInAsync(console, await console.OperatorTenantAsync());
        await op.GotoAsync("/admin/queues?queue=email");
        await op.GetByLabel("Tenant").SelectOptionAsync(failing.Id.ToString());
        await op.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await Assertions.Expect(op.Locator("#dead-jobs tbody tr")).ToHaveCountAsync(1);
    }

    [ChromiumFact]
    public async Task An_operators_retry_in_another_tenant_is_audited_in_that_tenant_naming_the_operator()
    {
        var failing = await console.NewTenantAsync("""{"permanentRate": 1}""", "email");
        await console.SendToDeadJobAsync(failing);
        var jobId = await console.ScalarAsync<long>("select id from jobs where tenant_id = $1 and state = 'dead'", failing.Id);
        var operators = await console.OperatorTenantAsync();
        var operatorTenant = operators.Id;

        var op = await console.NewPageAsync();
        await op.SignInAtAsync(console, operators, $"/admin/queues?queue=email&tenant={failing.Id}");
        await op.Locator("#dead-jobs tbody tr", new() { HasText = jobId.ToString() }).GetByRole(AriaRole.Button, new() { Name = "Retry", Exact = true }).ClickAsync();
        await Assertions.Expect(op.GetByRole(AriaRole.Status)).ToContainTextAsync("1 of 1 job(s) sent back");

        // The tenant acted on sees it in its own audit log, with the operator as the actor; the operator's tenant does not get it.
        var audit = await failing.Http.GetJsonAsync($"/api/v1/admin/audit?action=dead_job.retry&targetId={jobId}");
        var entry = Assert.Single(audit["items"]!.AsArray());
        var actor = entry!["actor"]!.GetValue<string>();
        Assert.StartsWith(await console.OwnerActorAsync(operators), actor);
        Assert.EndsWith(" (operator)", actor);
        Assert.NotEqual(failing.Id, operatorTenant);
        Assert.Equal(0L, await console.ScalarAsync<long>("select count(*) from audit_log where tenant_id = $1 and target_id = $2", operatorTenant, jobId.ToString()));
    }
}
