using NotificationService.Workflows.Conditions;

namespace NotificationService.Workflows.Definitions;

/// <summary>
/// Runs that reach a digest step for the same recipient and <see cref="Key"/> (a condition over the run's context; none:
/// one window per recipient and step) join one open window. When it closes, one run goes on carrying the digest
/// (`steps.&lt;id&gt;.count`, `.events`, `.actors`) and the others end `digested`. <see cref="MaxEvents"/> closes a window
/// early; <see cref="Keep"/> says how many events' data (the first and the last) the carrying run sees. With
/// <see cref="UserSchedule"/>, the recipient's digest cadence for the workflow's category (a preference) replaces
/// <see cref="Window"/>; a recipient who chose none gets the step's window.
/// </summary>
public sealed record DigestStep(string Id, Condition? When, Condition? Key, DigestWindow Window, int MaxEvents, DigestKeep Keep,
    bool UserSchedule = false) : Step(Id, When)
{
    public override string Type => StepTypes.Digest;
}

/// <summary>How many events' data a digest keeps: the first <see cref="First"/> and the last <see cref="Last"/> (each at most
/// <see cref="WorkflowLimits.MaxDigestKeep"/>).</summary>
public sealed record DigestKeep(int First, int Last)
{
    public static readonly DigestKeep Default = new(10, 10);
}

/// <summary>When a digest window closes. One of four kinds, as its JSON names it.</summary>
public abstract record DigestWindow
{
    public abstract string Kind { get; }

    /// <summary>`{"fixed":"PT1H"}`: closes that long after its first event.</summary>
    public sealed record Fixed(TimeSpan Length) : DigestWindow { public override string Kind => "fixed"; }

    /// <summary>`{"sliding":"PT10M","max":"PT1H"}`: each event moves the close to that long after it, never past
    /// <see cref="Max"/> after the first event.</summary>
    public sealed record Sliding(TimeSpan Quiet, TimeSpan Max) : DigestWindow { public override string Kind => "sliding"; }

    /// <summary>`{"scheduled":"0 9 * * *"}`: closes at the cron expression's next occurrence after the first event, in the
    /// recipient's time zone.</summary>
    public sealed record Scheduled(Cronos.CronExpression Cron, string Text) : DigestWindow { public override string Kind => "scheduled"; }

    /// <summary>`{"backoff":"PT1H"}`: the first event passes at once (a digest of one); later ones within that long of it are
    /// digested when the window closes.</summary>
    public sealed record Backoff(TimeSpan Length) : DigestWindow { public override string Kind => "backoff"; }

    public static readonly string[] Kinds = ["fixed", "sliding", "scheduled", "backoff"];

    /// <summary>The window as the timeline and the console say it: `fixed PT1H`, `scheduled `0 9 * * *``, ….</summary>
    public string Describe() => this switch
    {
        Fixed f => $"fixed {IsoDuration.Format(f.Length)}",
        Sliding s => $"sliding {IsoDuration.Format(s.Quiet)} (at most {IsoDuration.Format(s.Max)})",
        Scheduled c => $"scheduled `{c.Text}`",
        Backoff b => $"backoff {IsoDuration.Format(b.Length)}",
        _ => Kind,
    };
}

/// <summary>
/// At most <see cref="Limit"/> runs per <see cref="Window"/> pass, per recipient and <see cref="Key"/> (none: per recipient
/// and step). The rest end `throttled` (completed, not failed, with the window's end), or with <see cref="Delay"/> wait for
/// the window to end and try again.
/// </summary>
public sealed record ThrottleStep(string Id, Condition? When, Condition? Key, int Limit, TimeSpan Window, bool Delay) : Step(Id, When)
{
    public override string Type => StepTypes.Throttle;
}
