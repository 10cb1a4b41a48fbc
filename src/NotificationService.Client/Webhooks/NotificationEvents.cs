using System.Text.Json;
using System.Text.Json.Nodes;
using NotificationService.Client.Http;

namespace NotificationService.Client.Webhooks;

/// <summary>
/// A webhook the service sent, verified. Match on the type you handle (<see cref="NotificationStatusEvent"/>,
/// <see cref="BulkJobCompletedEvent"/>, <see cref="WorkflowRunEndedEvent"/>); a type this client does not know arrives as
/// <see cref="UnknownEvent"/>, never as an error.
/// </summary>
public abstract record NotificationEvent
{
    /// <summary>The webhook-id: the same on every retry of one delivery (de-duplicate by it).</summary>
    public string WebhookId { get; init; } = "";
    /// <summary>The event type, e.g. <c>notification.delivered</c>.</summary>
    public string Type { get; init; } = "";
    /// <summary>When the event happened.</summary>
    public DateTimeOffset Timestamp { get; init; }
    /// <summary>The event's data as sent.</summary>
    public JsonElement Data { get; init; }

    /// <summary>
    /// Reads a verified body: the typed event for its type, else an <see cref="UnknownEvent"/>. Throws
    /// <see cref="JsonException"/> only when the body is not an event at all.
    /// </summary>
    public static NotificationEvent Parse(ReadOnlySpan<byte> body, string webhookId)
    {
        var envelope = JsonSerializer.Deserialize(body, ClientJson.Default.WebhookEnvelope)
            ?? throw new JsonException("The body is not a webhook event.");
        var data = envelope.Data.ValueKind == JsonValueKind.Undefined ? default : envelope.Data.Clone();
        var type = envelope.Type ?? "";
        NotificationEvent e;
        try
        {
            e = type switch
            {
                _ when type.StartsWith("notification.", StringComparison.Ordinal) =>
                    From(data.Deserialize(ClientJson.Default.NotificationStatusData)),
                BulkJobCompletedEvent.EventType =>
                    new BulkJobCompletedEvent { Job = data.Deserialize(ClientJson.Default.BulkJobCompletedData) ?? new() },
                _ when type.StartsWith("workflow.run.", StringComparison.Ordinal) =>
                    new WorkflowRunEndedEvent { Run = data.Deserialize(ClientJson.Default.WorkflowRunEndedData) ?? new() },
                _ => new UnknownEvent(),
            };
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            e = new UnknownEvent();   // a known type whose data changed shape (or has none): still delivered, untyped
        }
        return e with { WebhookId = webhookId, Type = type, Timestamp = envelope.Timestamp, Data = data };
    }

    private static NotificationStatusEvent From(NotificationStatusData? d) => d is null ? new NotificationStatusEvent()
        : new NotificationStatusEvent
    {
        NotificationId = d.NotificationId, Channel = d.Channel ?? "", Status = d.Status ?? "", PreviousStatus = d.PreviousStatus,
        Recipient = d.Recipient, Metadata = d.Metadata, Error = d.Error,
    };
}

/// <summary><c>notification.*</c>: a notification's status changed.</summary>
public sealed record NotificationStatusEvent : NotificationEvent
{
    /// <summary>The notification.</summary>
    public Guid NotificationId { get; init; }
    /// <summary>Its channel.</summary>
    public string Channel { get; init; } = "";
    /// <summary>The status reached (see <see cref="NotificationStatuses"/>).</summary>
    public string Status { get; init; } = "";
    /// <summary>The status before.</summary>
    public string? PreviousStatus { get; init; }
    /// <summary>Who it is for, masked.</summary>
    public JsonObject? Recipient { get; init; }
    /// <summary>The metadata it was sent with.</summary>
    public JsonObject? Metadata { get; init; }
    /// <summary>Why it failed or was skipped.</summary>
    public string? Error { get; init; }
}

/// <summary><c>bulk_job.completed</c>: a CSV job has finished.</summary>
public sealed record BulkJobCompletedEvent : NotificationEvent
{
    /// <summary>The type's name.</summary>
    public const string EventType = "bulk_job.completed";
    /// <summary>The job and its counts.</summary>
    public BulkJobCompletedData Job { get; init; } = new();
}

/// <summary><c>workflow.run.completed</c>, <c>.cancelled</c> or <c>.failed</c>: a run has ended.</summary>
public sealed record WorkflowRunEndedEvent : NotificationEvent
{
    /// <summary>The run.</summary>
    public WorkflowRunEndedData Run { get; init; } = new();
}

/// <summary>An event of a type this client does not know: its <see cref="NotificationEvent.Data"/> as sent.</summary>
public sealed record UnknownEvent : NotificationEvent;

/// <summary>The body of every webhook.</summary>
internal sealed record WebhookEnvelope(string? Type, DateTimeOffset Timestamp, JsonElement Data);

internal sealed record NotificationStatusData(Guid NotificationId, string? Channel, string? Status, string? PreviousStatus,
    JsonObject? Recipient, JsonObject? Metadata, string? Error);

/// <summary>A CSV job's outcome.</summary>
public sealed record BulkJobCompletedData
{
    /// <summary>The job.</summary>
    public Guid JobId { get; init; }
    /// <summary>completed.</summary>
    public string? Status { get; init; }
    /// <summary>A dry run sent nothing.</summary>
    public bool DryRun { get; init; }
    /// <summary>The file's name.</summary>
    public string? FileName { get; init; }
    /// <summary>Rows in the file.</summary>
    public long TotalRows { get; init; }
    /// <summary>Rows accepted.</summary>
    public long AcceptedRows { get; init; }
    /// <summary>Rows rejected.</summary>
    public long RejectedRows { get; init; }
    /// <summary>Rows repeating an earlier one.</summary>
    public long DuplicateRows { get; init; }
    /// <summary>When it finished.</summary>
    public DateTimeOffset? FinishedAt { get; init; }
}

/// <summary>A workflow run's end.</summary>
public sealed record WorkflowRunEndedData
{
    /// <summary>The run.</summary>
    public Guid RunId { get; init; }
    /// <summary>The workflow key.</summary>
    public string? Workflow { get; init; }
    /// <summary>The version it ran.</summary>
    public int Version { get; init; }
    /// <summary>Its recipient.</summary>
    public string? UserId { get; init; }
    /// <summary>completed, cancelled or failed.</summary>
    public string? State { get; init; }
    /// <summary>Why.</summary>
    public string? Reason { get; init; }
    /// <summary>The trigger's cancellation key.</summary>
    public string? CancellationKey { get; init; }
}
