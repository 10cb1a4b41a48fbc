using Hangfire;
using Npgsql;
using NotificationService.Contracts;

namespace NotificationService.Features.Sending.ProviderCallbacks;

/// <summary>
/// Gives up on provider events parked longer than `Callbacks:ParkMinutes` (counted as unknown), as a recurring Hangfire
/// job run once per cluster every minute (`Callbacks:ParkedExpiryCron`); the replay itself stays a per-second loop on
/// each worker, since a minute is Hangfire's usual grain and a parked event should apply as soon as its id is stored.
/// </summary>
public sealed class ParkedCallbackExpiry(NpgsqlDataSource db, ParkedCallbacks parked)
{
    public const string JobId = "callbacks:parked-expiry";

    [Queue(JobQueues.Maintenance)]
    [DisableConcurrentExecution(JobId, 60)]
    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Delete)]   // the next occurrence retries
    [JobDisplayName("Provider callbacks: give up on events parked too long")]
    public async Task ExpireAsync(CancellationToken ct) =>
        CallbackMetrics.UnknownEvents("parked_expired", await parked.ExpireAsync(db, ct));
}

public sealed class ParkedCallbackRecurringJobs(IConfiguration config) : IRecurringJobs
{
    public void Register(IRecurringJobManager recurring) => recurring.AddOrUpdate<ParkedCallbackExpiry>(ParkedCallbackExpiry.JobId,
        JobQueues.Maintenance, j => j.ExpireAsync(CancellationToken.None), config["Callbacks:ParkedExpiryCron"] ?? Cron.Minutely(),
        new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });
}
