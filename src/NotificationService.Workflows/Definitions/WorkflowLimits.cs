namespace NotificationService.Workflows.Definitions;

/// <summary>What a definition may hold. The same numbers are in workflow.schema.json where a schema can say them.</summary>
public static class WorkflowLimits
{
    public static readonly TimeSpan MaxDelay = TimeSpan.FromDays(90);
    public static readonly TimeSpan MaxWait = TimeSpan.FromDays(30);
    public const int MaxArms = 10;
    /// <summary>Step lists inside step lists: the top level is depth 1, a branch arm's steps depth 2, … at most 5.</summary>
    public const int MaxNesting = 5;
    public const int MaxSteps = 200;
    public const int MaxConditionLength = 1000;
    public const int MaxReasonLength = 200;

    /// <summary>A digest window holds at most this many events (`maxEvents`; the default is 1,000): a full window closes
    /// and the next event opens another, so no window stores unbounded events.</summary>
    public const int MaxDigestEvents = 10_000;
    public const int DefaultDigestEvents = 1_000;
    /// <summary>The first and the last events' data a digest keeps (`keep.first`, `keep.last`): each at most 100.</summary>
    public const int MaxDigestKeep = 100;
    /// <summary>A digest window or a throttle window is at most 30 days long (a scheduled window's next occurrence too).</summary>
    public static readonly TimeSpan MaxDigestWindow = TimeSpan.FromDays(30);
    /// <summary>A scheduled digest's cron fires at least this often (monthly is the longest cadence).</summary>
    public static readonly TimeSpan MaxScheduleGap = TimeSpan.FromDays(31);
    /// <summary>A throttle lets 1 to 10,000 runs through per window.</summary>
    public const int MaxThrottleLimit = 10_000;

    /// <summary>The channels a send step may name (the service's channels).</summary>
    public static readonly string[] Channels = ["email", "sms", "whatsapp", "push", "in_app", "chat"];

    /// <summary>
    /// What a status wait may wait for. `seen` and `read` of an in_app notification come from the inbox; the rest are the
    /// notification's statuses. A status counts as reached when the notification is past it on the forward path
    /// (delivered, then read/opened, then clicked), so a wait registered late still sees it.
    /// </summary>
    public static readonly string[] WaitStatuses =
        ["delivered", "seen", "read", "opened", "clicked", "failed", "skipped", "suppressed", "expired"];
}
