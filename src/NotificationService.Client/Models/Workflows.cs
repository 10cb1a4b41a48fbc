using System.Text.Json.Nodes;

namespace NotificationService.Client;

/// <summary><c>POST /services/workflows/{key}/trigger</c>: one run per recipient, or per member of the topics named.</summary>
public sealed record WorkflowTrigger
{
    /// <summary>Up to 1,000: a userId, or a userId with a profile patch (needs users:write).</summary>
    public IReadOnlyList<WorkflowRecipient>? Recipients { get; init; }
    /// <summary>Instead of recipients: every member of these topics (a fan-out).</summary>
    public IReadOnlyList<string>? Topics { get; init; }
    /// <summary>With topics: members left out.</summary>
    public IReadOnlyList<string>? ExcludeUserIds { get; init; }
    /// <summary>Who caused it (conditions read <c>actor.*</c>).</summary>
    public JsonNode? Actor { get; init; }
    /// <summary>The payload (conditions and templates read <c>data.*</c>).</summary>
    public JsonObject? Data { get; init; }
    /// <summary>A key to cancel the runs by later.</summary>
    public string? CancellationKey { get; init; }
}

/// <summary>A recipient of a trigger.</summary>
public sealed record WorkflowRecipient
{
    /// <summary>Your user's id.</summary>
    public required string UserId { get; init; }
    /// <summary>A merge patch of the profile, applied first (needs users:write).</summary>
    public JsonObject? Profile { get; init; }
}

/// <summary>What a trigger answers: the runs started, or the fan-out that starts them (topics).</summary>
public sealed record WorkflowTriggerResult
{
    /// <summary>One per recipient; empty for a trigger naming topics.</summary>
    public IReadOnlyList<Guid> RunIds { get; init; } = [];
    /// <summary>The fan-out of a trigger naming topics; null otherwise.</summary>
    public FanOutAccepted? FanOut { get; init; }
    /// <summary>The service answered an earlier call with the same Idempotency-Key.</summary>
    public bool Replayed { get; init; }
}

internal sealed record TriggerAcceptedBody(IReadOnlyList<Guid>? RunIds);

/// <summary>An event for a user: wakes their runs waiting for it.</summary>
public sealed record WorkflowEvent
{
    /// <summary>The event's name, e.g. order.paid.</summary>
    public required string Name { get; init; }
    /// <summary>Whose runs it wakes.</summary>
    public required string UserId { get; init; }
    /// <summary>The key a wait may require.</summary>
    public string? Key { get; init; }
    /// <summary>Data for the run.</summary>
    public JsonObject? Data { get; init; }
}

/// <summary>Which runs to cancel: any of workflow, userId, cancellationKey (at least one).</summary>
public sealed record RunCancelQuery
{
    /// <summary>The workflow key.</summary>
    public string? Workflow { get; init; }
    /// <summary>The user.</summary>
    public string? UserId { get; init; }
    /// <summary>The trigger's cancellation key.</summary>
    public string? CancellationKey { get; init; }
}

/// <summary>A filter for the runs list.</summary>
public sealed record RunQuery
{
    /// <summary>The workflow key.</summary>
    public string? Workflow { get; init; }
    /// <summary>The user.</summary>
    public string? UserId { get; init; }
    /// <summary>running, waiting, completed, cancelled or failed.</summary>
    public string? State { get; init; }
    /// <summary>Page size, 1 to 200.</summary>
    public int? Limit { get; init; }
}

/// <summary>A run as a list shows it.</summary>
public sealed record WorkflowRunSummary : ApiModel
{
    /// <summary>Its id.</summary>
    public Guid Id { get; init; }
    /// <summary>The workflow key.</summary>
    public string Workflow { get; init; } = "";
    /// <summary>The version it is pinned to.</summary>
    public int Version { get; init; }
    /// <summary>Its recipient.</summary>
    public string UserId { get; init; } = "";
    /// <summary>running, waiting, completed, cancelled or failed (kept as the service says it).</summary>
    public string State { get; init; } = "";
    /// <summary>When it started.</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>When it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A run with its steps and timeline.</summary>
public sealed record WorkflowRun : ApiModel
{
    /// <summary>Its id.</summary>
    public Guid Id { get; init; }
    /// <summary>The workflow key.</summary>
    public string Workflow { get; init; } = "";
    /// <summary>The version it is pinned to.</summary>
    public int Version { get; init; }
    /// <summary>Its recipient.</summary>
    public string UserId { get; init; } = "";
    /// <summary>running, waiting, completed, cancelled or failed.</summary>
    public string State { get; init; } = "";
    /// <summary>Why it ended so.</summary>
    public string? Reason { get; init; }
    /// <summary>The trigger's cancellation key.</summary>
    public string? CancellationKey { get; init; }
    /// <summary>When it started.</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>When it last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
    /// <summary>When it ended.</summary>
    public DateTimeOffset? EndedAt { get; init; }
    /// <summary>The trigger's data.</summary>
    public JsonNode? Data { get; init; }
    /// <summary>The trigger's actor.</summary>
    public JsonNode? Actor { get; init; }
    /// <summary>Each step's latest state.</summary>
    public IReadOnlyList<WorkflowRunStep> Steps { get; init; } = [];
    /// <summary>Every line, oldest first.</summary>
    public IReadOnlyList<WorkflowRunEvent> Timeline { get; init; } = [];
}

/// <summary>A step of a run.</summary>
public sealed record WorkflowRunStep : ApiModel
{
    /// <summary>The step's id.</summary>
    public string StepId { get; init; } = "";
    /// <summary>Its latest state.</summary>
    public string State { get; init; } = "";
    /// <summary>Why (e.g. the condition that skipped it).</summary>
    public string? Detail { get; init; }
    /// <summary>The notifications it made.</summary>
    public IReadOnlyList<Guid> NotificationIds { get; init; } = [];
}

/// <summary>A line of a run's timeline.</summary>
public sealed record WorkflowRunEvent : ApiModel
{
    /// <summary>The step, if any.</summary>
    public string? StepId { get; init; }
    /// <summary>What happened.</summary>
    public string What { get; init; } = "";
    /// <summary>Detail.</summary>
    public string? Detail { get; init; }
    /// <summary>When.</summary>
    public DateTimeOffset At { get; init; }
}
