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

    /// <summary>The channels a send step may name (the service's channels).</summary>
    public static readonly string[] Channels = ["email", "sms", "whatsapp", "push", "in_app"];

    /// <summary>
    /// What a status wait may wait for. `seen` and `read` of an in_app notification come from the inbox; the rest are the
    /// notification's statuses. A status counts as reached when the notification is past it on the forward path
    /// (delivered, then read/opened, then clicked), so a wait registered late still sees it.
    /// </summary>
    public static readonly string[] WaitStatuses = ["delivered", "seen", "read", "opened", "clicked", "failed", "skipped", "suppressed", "expired"];
}
