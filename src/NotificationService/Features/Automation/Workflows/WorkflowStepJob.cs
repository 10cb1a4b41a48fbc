using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using NotificationService.Queue;
using NotificationService.Workflows.Runs;

namespace NotificationService.Features.Automation.Workflows;

/// <summary>
/// The `workflow-step` job: move run <see cref="RunId"/> with an input made at <see cref="Seq"/>. <see cref="Kind"/>:
/// `continue` (execute the step at the cursor), `timer` (a delay is over), `woken` (a wait saw its status or event) or
/// `timeout` (a wait's time is up), `carried` or `digested` (the digest window the run joined closed; <see cref="Other"/>: the
/// run that carries it). A job whose seq is no longer the run's moves nothing.
/// </summary>
public sealed record WorkflowStepJob(
    [property: JsonPropertyName("r")] Guid RunId,
    [property: JsonPropertyName("k")] string Kind,
    [property: JsonPropertyName("s")] int Seq,
    [property: JsonPropertyName("o"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] Guid? Other = null)
    : IJobArgs<WorkflowStepJob>
{
    public const string Queue = "workflows";
    public const string Continue = "continue", Timer = "timer", Woken = "woken", Timeout = "timeout", Carried = "carried",
        Digested = "digested";

    public const string JobKind = "workflow-step";
    static string IJobArgs<WorkflowStepJob>.Kind => JobKind;
    public static JsonTypeInfo<WorkflowStepJob> JsonType => WorkflowJobsJson.Default.WorkflowStepJob;

    public RunInput Input() => Kind switch
    {
        Continue => new RunInput.Continue(Seq),
        Timer => new RunInput.TimerDue(Seq),
        Woken => new RunInput.Woken(Seq),
        Timeout => new RunInput.TimedOut(Seq),
        Carried => new RunInput.Carried(Seq),
        Digested when Other is { } carrier => new RunInput.Digested(Seq, carrier),
        _ => throw new System.Text.Json.JsonException($"unknown workflow step kind '{Kind}'"),
    };

    public static NewJob For(Guid tenantId, Guid runId, string kind, int seq, DateTimeOffset? runAt = null, Guid? other = null) =>
        NewJob.For(Queue, tenantId, new WorkflowStepJob(runId, kind, seq, other), runAt: runAt);
}

[JsonSerializable(typeof(WorkflowStepJob))]
internal sealed partial class WorkflowJobsJson : JsonSerializerContext;
