using System.Text.Json.Nodes;
using NotificationService.Workflows.Conditions;

namespace NotificationService.Workflows.Definitions;

/// <summary>
/// A workflow as its JSON says it: a key, a name, a category (for preferences) and steps. Steps nest inside branch arms and
/// a wait's `then`/`onTimeout`; every step id is unique across the whole tree, so an id alone says where a run is.
/// </summary>
public sealed record WorkflowDefinition(string Key, string Name, string? Category, IReadOnlyList<Step> Steps)
{
    /// <summary>Every step, depth first in document order.</summary>
    public IEnumerable<Step> AllSteps() => Walk(Steps);

    private static IEnumerable<Step> Walk(IEnumerable<Step> steps)
    {
        foreach (var s in steps)
        {
            yield return s;
            foreach (var child in s.Children().SelectMany(Walk)) yield return child;
        }
    }

    /// <summary>Whether a run can carry a digest: only then does a host look for the digests it carries.</summary>
    public bool HasDigestSteps => AllSteps().Any(s => s is DigestStep);

    /// <summary>The category whose digest cadence the recipient chose is read, when a digest step follows it (`userSchedule`).</summary>
    public string? CadenceCategory => AllSteps().Any(s => s is DigestStep { UserSchedule: true }) ? Category : null;
}

/// <summary>A step: its id, and an optional `when` condition that skips it (recorded as skipped, with the condition) when false.</summary>
public abstract record Step(string Id, Condition? When)
{
    public abstract string Type { get; }

    /// <summary>The nested step lists, in order (a branch's arms then `otherwise`; a wait's `then` then `onTimeout`).</summary>
    public virtual IEnumerable<IReadOnlyList<Step>> Children() => [];
}

/// <summary>Sends the template on each channel through the ordinary send path; its notification is keyed by (run, step, channel).</summary>
public sealed record SendStep(string Id, Condition? When, IReadOnlyList<string> Channels, string Template, JsonObject? Data)
    : Step(Id, When)
{
    public override string Type => StepTypes.Send;
}

/// <summary>Waits a duration (`for`), until a date found in the run's context (`until`), or until the next local time of day
/// in the recipient's time zone (`untilLocalTime`). Exactly one of them.</summary>
public sealed record DelayStep(string Id, Condition? When, TimeSpan? For, Condition? Until, TimeOnly? UntilLocalTime) : Step(Id, When)
{
    public override string Type => StepTypes.Delay;
}

public sealed record BranchArm(Condition When, IReadOnlyList<Step> Steps);

/// <summary>The first arm whose condition holds runs its steps, else `otherwise`; then the run goes on after the branch.</summary>
public sealed record BranchStep(string Id, Condition? When, IReadOnlyList<BranchArm> Arms, IReadOnlyList<Step> Otherwise) : Step(Id, When)
{
    public override string Type => StepTypes.Branch;
    public override IEnumerable<IReadOnlyList<Step>> Children() => [.. Arms.Select(a => a.Steps), Otherwise];
}

/// <summary>
/// Waits for an earlier send step's notification to reach one of <see cref="Statuses"/>, or for a named event for the
/// run's user (and, when <see cref="Key"/> names a path, with the key that path has in the run's context), at most
/// <see cref="Timeout"/>; then `then` on the event, `onTimeout` otherwise.
/// </summary>
public sealed record WaitForStep(string Id, Condition? When, string? SendStep, IReadOnlyList<string> Statuses, string? Event,
    Condition? Key, TimeSpan Timeout, IReadOnlyList<Step> Then, IReadOnlyList<Step> OnTimeout) : Step(Id, When)
{
    public override string Type => StepTypes.WaitFor;
    public override IEnumerable<IReadOnlyList<Step>> Children() => [Then, OnTimeout];
}

/// <summary>Ends the run (completed) with a stated reason.</summary>
public sealed record ExitStep(string Id, Condition? When, string Reason) : Step(Id, When)
{
    public override string Type => StepTypes.Exit;
}

public static class StepTypes
{
    public const string Send = "send", Delay = "delay", Branch = "branch", WaitFor = "waitFor", Exit = "exit", Digest = "digest",
        Throttle = "throttle";
    public static readonly string[] All = [Send, Delay, Branch, WaitFor, Exit, Digest, Throttle];
}
