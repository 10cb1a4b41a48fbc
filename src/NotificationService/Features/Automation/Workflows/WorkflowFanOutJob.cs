using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using NotificationService.Queue;

namespace NotificationService.Features.Automation.Workflows;

/// <summary>The `workflow_fan_out` job's arguments: the fan-out (kind `workflow`) whose runs to start; its tenant is the job's.</summary>
public sealed record WorkflowFanOutJob([property: JsonPropertyName("fanOut")] Guid FanOutId) : IJobArgs<WorkflowFanOutJob>
{
    public static string Kind => "workflow_fan_out";
    public static JsonTypeInfo<WorkflowFanOutJob> JsonType => WorkflowFanOutJobsJson.Default.WorkflowFanOutJob;
}

[JsonSerializable(typeof(WorkflowFanOutJob))]
internal sealed partial class WorkflowFanOutJobsJson : JsonSerializerContext;
