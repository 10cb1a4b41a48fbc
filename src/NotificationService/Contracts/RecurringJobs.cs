using Hangfire;

namespace NotificationService.Contracts;

/// <summary>
/// A feature's recurring jobs on Hangfire: registered (or updated, or removed when turned off) at the start of every
/// worker process by the Jobs feature, which discovers every implementation; replicas doing it together is harmless (an
/// upsert under Hangfire's lock). A contract, like <see cref="IRetainedData"/>, so a feature that sweeps on a schedule
/// depends on it and not on the Jobs feature (which reads every feature's gauges through Metrics).
/// </summary>
public interface IRecurringJobs
{
    void Register(IRecurringJobManager recurring);
}

/// <summary>The Hangfire queues, named after what they run.</summary>
public static class JobQueues
{
    public const string Maintenance = "maintenance";
    public const string Operator = "operator";
}

/// <summary>Turns an interval setting in seconds into the cron Hangfire schedules by: whole seconds under a minute (Hangfire
/// reads six-field expressions), whole minutes under an hour, else hourly.</summary>
public static class RecurringSchedule
{
    public static string Every(double seconds) => seconds switch
    {
        < 60 => $"*/{Math.Clamp((int)Math.Round(seconds), 1, 59)} * * * * *",
        < 3600 => Cron.MinuteInterval(Math.Clamp((int)Math.Round(seconds / 60), 1, 59)),
        _ => Cron.Hourly(),
    };
}
