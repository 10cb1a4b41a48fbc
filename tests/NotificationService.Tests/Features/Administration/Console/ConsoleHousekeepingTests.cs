using System.Text.RegularExpressions;
using Microsoft.Playwright;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>Lifting a suppression and deleting a dead job from the console, each audited.</summary>
[Collection("console")]
public class ConsoleHousekeepingTests(ConsoleFixture console)
{
    [ChromiumFact]
    public async Task A_suppressed_address_is_lifted_and_a_dead_job_deleted_from_the_console_and_both_are_audited()
    {
        var tenant = await console.NewTenantAsync("""{"permanentRate": 1}""", "email");
        await using (var cmd = console.Db.CreateCommand("insert into suppressions (tenant_id, channel, address, reason) values ($1, 'email', 'bounced@example.com', 'bounce')"))
        {
            cmd.Parameters.AddWithValue(tenant.Id);
            await cmd.ExecuteNonQueryAsync();
        }
        var id = await console.SendToDeadJobAsync(tenant);

        var page = await console.NewPageAsync();
        await page.SignInAtAsync(console, tenant, "/admin/suppressions");
        await page.GetByRole(AriaRole.Button, new() { Name = "Lift bounced@example.com" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("can be messaged on email again");
        await Assertions.Expect(page.Locator("#suppressions tbody tr")).ToHaveCountAsync(0);

        await page.GotoAsync("/admin/queues?queue=email");
        page.AcceptConfirmations();   // the delete asks first
        await page.Locator("#dead-jobs tbody tr").GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Delete job") }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("1 of 1 job(s) deleted");
        Assert.Null(await console.ScalarAsync<string>("select state from jobs where tenant_id = $1", tenant.Id));

        var audit = await tenant.Http.GetStringAsync("/api/v1/admin/audit");
        Assert.Contains("suppression.remove", audit);
        Assert.Contains("dead_job.delete", audit);
    }
}
