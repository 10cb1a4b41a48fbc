using System.Text.Json;
using System.Text.Json.Serialization;

namespace NotificationService.Client.Http;

/// <summary>
/// Every type the client writes or reads, source-generated: no reflection at run time, so the client trims and compiles
/// ahead of time. camelCase as the API; nulls are left out of requests; unknown fields are ignored (and kept in
/// <see cref="ApiModel.AdditionalProperties"/>); statuses and states are strings, so a value added later is no error.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SendRequest))]
[JsonSerializable(typeof(AcceptedNotification))]
[JsonSerializable(typeof(List<AcceptedNotification>))]
[JsonSerializable(typeof(FanOutAccepted))]
[JsonSerializable(typeof(FanOutStatus))]
[JsonSerializable(typeof(Notification))]
[JsonSerializable(typeof(Page<NotificationSummary>))]
[JsonSerializable(typeof(SendBatchRequest))]
[JsonSerializable(typeof(SendChunkRequest))]
[JsonSerializable(typeof(BatchAccepted))]
[JsonSerializable(typeof(BatchStatus))]
[JsonSerializable(typeof(BulkJobAccepted))]
[JsonSerializable(typeof(BulkJob))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
[JsonSerializable(typeof(LiveEvent))]
[JsonSerializable(typeof(LiveEventAccepted))]
[JsonSerializable(typeof(Device))]
[JsonSerializable(typeof(DeviceRegistration))]
[JsonSerializable(typeof(UserProfile))]
[JsonSerializable(typeof(User))]
[JsonSerializable(typeof(Page<User>))]
[JsonSerializable(typeof(BulkUsersBody))]
[JsonSerializable(typeof(BulkUsersResult))]
[JsonSerializable(typeof(ErasureAccepted))]
[JsonSerializable(typeof(Erasure))]
[JsonSerializable(typeof(MintTokenBody))]
[JsonSerializable(typeof(UserToken))]
[JsonSerializable(typeof(PreferencesUpdate))]
[JsonSerializable(typeof(Preferences))]
[JsonSerializable(typeof(Page<UserTopic>))]
[JsonSerializable(typeof(Topic))]
[JsonSerializable(typeof(Page<Topic>))]
[JsonSerializable(typeof(TopicBody))]
[JsonSerializable(typeof(MembersBody))]
[JsonSerializable(typeof(MembersChanged))]
[JsonSerializable(typeof(Page<TopicMember>))]
[JsonSerializable(typeof(WorkflowTrigger))]
[JsonSerializable(typeof(TriggerAcceptedBody))]
[JsonSerializable(typeof(WorkflowEvent))]
[JsonSerializable(typeof(RunCancelQuery))]
[JsonSerializable(typeof(CountResult))]
[JsonSerializable(typeof(WorkflowRun))]
[JsonSerializable(typeof(Page<WorkflowRunSummary>))]
[JsonSerializable(typeof(ProblemBody))]
[JsonSerializable(typeof(System.Text.Json.Nodes.JsonObject))]
[JsonSerializable(typeof(Webhooks.WebhookEnvelope))]
[JsonSerializable(typeof(Webhooks.NotificationStatusData))]
[JsonSerializable(typeof(Webhooks.BulkJobCompletedData))]
[JsonSerializable(typeof(Webhooks.WorkflowRunEndedData))]
internal sealed partial class ClientJson : JsonSerializerContext;

/// <summary>An RFC 9457 problem as the service writes it: errors keyed by the JSON path of each bad field.</summary>
internal sealed record ProblemBody : ApiModel
{
    public string? Type { get; init; }
    public string? Title { get; init; }
    public int? Status { get; init; }
    public string? Detail { get; init; }
    public string? Instance { get; init; }
    public Dictionary<string, string[]>? Errors { get; init; }
    public string? TraceId { get; init; }
}
