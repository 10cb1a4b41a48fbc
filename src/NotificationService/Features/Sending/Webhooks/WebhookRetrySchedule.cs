namespace NotificationService.Features.Sending.Webhooks;

/// <summary>
/// When a failed webhook is tried again: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h after each
/// failure (about three days in all, so a receiver down for a weekend still gets its events), spread
/// ±10 % so a receiver coming back is not hit by every retry at once. `Webhooks:RetryScheduleSeconds`
/// (comma-separated) replaces the list, which is how tests run it in milliseconds.
/// </summary>
public sealed class WebhookRetrySchedule
{
    private static readonly double[] Default = [5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400];
    private readonly double[] _seconds;

    public WebhookRetrySchedule(IConfiguration config)
    {
        var raw = config["Webhooks:RetryScheduleSeconds"];
        _seconds = string.IsNullOrWhiteSpace(raw) ? Default
            : raw.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(s => double.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }

    /// <summary>The first try plus one per retry.</summary>
    public int MaxAttempts => _seconds.Length + 1;

    /// <param name="attempt">The attempt that just failed, from 1.</param>
    public TimeSpan DelayAfter(int attempt, double random01) =>
        TimeSpan.FromSeconds(_seconds[Math.Clamp(attempt - 1, 0, _seconds.Length - 1)] * (0.9 + 0.2 * random01));
}
