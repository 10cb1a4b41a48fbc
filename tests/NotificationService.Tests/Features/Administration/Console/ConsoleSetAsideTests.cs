using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Console;

/// <summary>
/// A delivery job set aside by the service's own rescuer (issue 28): its notification ends `failed` with the reason in
/// its history, the admin API and the queue page say the job stopped the worker twice, and a retry from the page is
/// the operator's decision that sends it. The two worker deaths are simulated in the database (a job already counted
/// once, leased to a worker that is gone); the real deaths are Hosting/PoisonJobTests'.
/// </summary>
[Collection("console")]
public class ConsoleSetAsideTests(ConsoleFixture console)
{
    private const string Reason = "set aside: its handling stopped the worker 2 times";

    [ChromiumFact]
    public async Task A_set_aside_job_fails_its_notification_shows_its_crashes_and_is_sent_when_the_operator_retries_it()
    {
        var tenant = await console.NewTenantAsync(channels: "email");
        // Scheduled two hours ahead, so no worker of the fixture claims it before the test plays the dead one.
        var id = await tenant.Http.SendOkAsync(new
        {
            channel = "email", recipient = new { email = "poison@example.com" }, content = new { subject = "Hi", body = "Hello" },
            sendAt = DateTimeOffset.UtcNow.AddHours(2),
        });
        await using (var cmd = console.Db.CreateCommand("""
            update jobs set state = 'running', attempt = 1, crashes = 1, run_at = now(), locked_by = 'a-worker-that-died',
                            locked_until = now() - interval '1 second'
            where tenant_id = $1
            """))
        {
            cmd.Parameters.AddWithValue(tenant.Id);
            Assert.Equal(1, await cmd.ExecuteNonQueryAsync());
        }

        var failed = await tenant.Http.WaitForStatusAsync(id, "failed");
        Assert.Equal(Reason, failed["lastError"]!.GetValue<string>());
        Assert.Equal(Reason, failed["history"]!.AsArray().Last()!["detail"]!.GetValue<string>());
        var dead = (await tenant.Http.GetFromJsonAsync<JsonArray>("/api/v1/admin/queues/email/dead"))!.Single()!;
        Assert.Equal((2, Reason), (dead["crashes"]!.GetValue<int>(), dead["lastError"]!.GetValue<string>()));

        var page = await console.NewPageAsync();
        await page.SignInAtAsync(console, tenant, "/admin/queues?queue=email");
        var row = page.Locator("#dead-jobs tbody tr");
        await Assertions.Expect(row.Locator("[data-crashes='2']")).ToHaveTextAsync("stopped the worker 2 times");
        await Assertions.Expect(row).ToContainTextAsync(Reason);
        await Assertions.Expect(page.Locator("#set-aside-note")).ToBeVisibleAsync();

        await row.GetByRole(AriaRole.Button, new() { Name = "Retry" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("1 of 1 job(s) sent back");
        await tenant.Http.WaitForStatusAsync(id, "sent");
        Assert.Contains("dead job retried by an admin", (await tenant.Http.StatusAsync(id)).ToJsonString());
    }
}
