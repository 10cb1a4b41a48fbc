namespace NotificationService.Queue.Tests.Queue;

public class CrashPolicyTests
{
    [Fact]
    public void The_first_crash_returns_the_job_naming_the_worker_that_died()
    {
        var verdict = CrashPolicy.Default.Judge(crashes: 1, attempt: 1, maxAttempts: 8, worker: "host:41");
        Assert.Equal((RescueOutcome.Returned, "ready"), (verdict.Outcome, verdict.State));
        Assert.Equal("lease expired: the worker stopped before finishing (host:41)", verdict.Error);
    }

    [Fact]
    public void The_second_crash_sets_the_job_aside_with_a_reason_no_ordinary_failure_has()
    {
        var verdict = CrashPolicy.Default.Judge(crashes: 2, attempt: 2, maxAttempts: 8, worker: "host:42");
        Assert.Equal((RescueOutcome.SetAside, "dead"), (verdict.Outcome, verdict.State));
        Assert.Equal("set aside: its handling stopped the worker 2 times", verdict.Error);
        Assert.Contains(CrashPolicy.SetAsideReason, verdict.Error);
    }

    [Fact]
    public void A_crash_on_the_last_attempt_is_dead_as_exhausted_unless_it_is_also_the_limit()
    {
        Assert.Equal(RescueOutcome.Exhausted, CrashPolicy.Default.Judge(1, attempt: 3, maxAttempts: 3, "w").Outcome);
        Assert.Equal(RescueOutcome.SetAside, CrashPolicy.Default.Judge(2, attempt: 3, maxAttempts: 3, "w").Outcome);
    }

    [Theory]
    [InlineData(1, 1, RescueOutcome.SetAside)]
    [InlineData(3, 2, RescueOutcome.Returned)]
    [InlineData(3, 3, RescueOutcome.SetAside)]
    [InlineData(0, 1, RescueOutcome.SetAside)]   // nonsense limits mean "the first crash": never "hand it out forever"
    public void The_limit_is_configurable(int limit, int crashes, RescueOutcome outcome) =>
        Assert.Equal(outcome, new CrashPolicy(limit).Judge(crashes, attempt: 1, maxAttempts: 8, "w").Outcome);
}
