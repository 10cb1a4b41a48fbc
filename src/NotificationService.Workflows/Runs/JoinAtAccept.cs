using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using NotificationService.Workflows.Conditions;
using NotificationService.Workflows.Definitions;

namespace NotificationService.Workflows.Runs;

/// <summary>
/// Batch on write: a workflow that opens with a digest step whose window and key are the same for every recipient of a
/// trigger (a fixed or sliding window, no `when`, no cadence of the recipient's own, a key read from `data` or `actor`
/// alone, no live in-app item) has its runs join their windows in the trigger's own transaction, set-based, instead of each
/// run's first job joining one window. The runs start in the transition the interpreter gives for the trigger, asked once:
/// what each of them would have done first, with nothing about the recipient read. Any other workflow: null, and its runs
/// start ready as ever.
/// </summary>
public static partial class JoinAtAccept
{
    public static Transition? For(WorkflowDefinition definition, JsonNode? data, JsonNode? actor, DateTimeOffset now)
    {
        if (definition.Steps.FirstOrDefault() is not DigestStep { When: null, UserSchedule: false } digest) return null;
        if (digest.Window is not (DigestWindow.Fixed or DigestWindow.Sliding)) return null;
        if (digest.Key is { } key && !TriggerPath().IsMatch(key.Text)) return null;
        var context = new ConditionContext(data?.DeepClone(), null, actor?.DeepClone(), [], null);
        var t = Interpreter.Apply(definition, RunState.Start(definition), new RunInput.Continue(0), now, context);
        return t.Effects is [RunEffect.JoinDigest { Plan: { PassesFirst: false, LiveSendStep: null } }] ? t : null;
    }

    /// <summary>A plain path into the trigger's data or actor (`data.threadId`), which reads the same for every recipient.</summary>
    [GeneratedRegex(@"^(data|actor)(\.[A-Za-z_][A-Za-z0-9_]*)+$")]
    private static partial Regex TriggerPath();
}
