using Hangfire;
using NotificationService.Contracts;

namespace NotificationService.Features.People.Inbox;

/// <summary>
/// Takes expired items out of the counts (announcing it to open streams), as a recurring Hangfire job run once per
/// cluster. A user's own count read sweeps that user at once, so this pass only keeps idle users' counters and streams
/// current. Old stream events and gone items are the Retention feature's (see InboxRetention).
/// </summary>
public sealed class InboxSweeper(InboxStore store)
{
    public const string JobId = "inbox:sweep-expired";

    [Queue(JobQueues.Maintenance)]
    [DisableConcurrentExecution(JobId, 300)]
    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Delete)]   // the next occurrence retries
    [JobDisplayName("Inbox: take expired items out of the counts")]
    public async Task SweepAsync(CancellationToken ct)
    {
        while (await store.SweepExpiredAsync(200, ct) == 200) { }
    }
}

/// <summary>The sweep every `Inbox:SweepIntervalSeconds` (default 30).</summary>
public sealed class InboxRecurringJobs(IConfiguration config) : IRecurringJobs
{
    public void Register(IRecurringJobManager recurring) => recurring.AddOrUpdate<InboxSweeper>(InboxSweeper.JobId,
        JobQueues.Maintenance, j => j.SweepAsync(CancellationToken.None),
        RecurringSchedule.Every(config.GetValue("Inbox:SweepIntervalSeconds", 30.0)),
        new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });
}
