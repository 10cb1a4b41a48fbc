using Hangfire;

namespace NotificationService.Features.Operations.Jobs;

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
