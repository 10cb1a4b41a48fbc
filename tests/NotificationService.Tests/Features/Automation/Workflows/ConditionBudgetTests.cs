using System.Diagnostics;
using NotificationService.Tests.Features.People.Recipients;
using NotificationService.Tests.Shared;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Automation.Workflows;

/// <summary>A condition that would amplify its trigger's data without bound is stopped by its evaluation budget: the run
/// fails saying which limit stopped it, and the service's memory stays where it was.</summary>
[Collection("service")]
public class ConditionBudgetTests(ServiceFixture service)
{
    private const long MB = 1 << 20;

    [Fact]
    public async Task A_branch_condition_whose_nested_joins_would_build_a_quarter_billion_characters_fails_its_run_without_the_memory_growing()
    {
        var tenant = await service.NewTenantAsync();
        await tenant.Http.IdentifyAsync("ada", new { email = "ada@example.com" });
        // 3.7 KB of trigger: each join repeats the previous one 499 times, the third 248 million characters (5 GB held).
        await tenant.Http.PublishWorkflowAsync("""
            {"key":"amplify","name":"Amplify","steps":[{"id":"b","type":"branch",
              "arms":[{"when":"length(join(join(join(data.s, data.a), data.a), data.a)) > `0`","steps":[{"id":"x","type":"exit","reason":"held"}]}],
              "otherwise":[]}]}
            """);
        var peakBefore = Process.GetCurrentProcess().PeakWorkingSet64;

        var run = (await tenant.Http.TriggerAsync("amplify", new { recipients = new[] { "ada" }, data = new { s = "xx", a = Enumerable.Repeat("", 500) } })).Single();
        var failed = await tenant.Http.WaitForRunAsync(run, "failed");

        Assert.Contains("its evaluation produced more than 4,000,000 characters", failed.Text("reason"));
        Assert.Contains("join(join(join(data.s, data.a), data.a), data.a)", failed.Text("reason"));
        Assert.InRange(Process.GetCurrentProcess().PeakWorkingSet64 - peakBefore, 0, 256 * MB);
    }
}
