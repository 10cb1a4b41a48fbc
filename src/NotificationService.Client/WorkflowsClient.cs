using System.Text.Json;
using NotificationService.Client.Http;
using static NotificationService.Client.Http.ApiTransport;

namespace NotificationService.Client;

/// <summary>Workflow triggers, runs and events (<c>/api/v1/services/workflows</c>).</summary>
public class WorkflowsClient
{
    private const string Base = "api/v1/services/workflows";
    private readonly ApiTransport _api = null!;

    /// <summary>For mocking frameworks.</summary>
    protected WorkflowsClient() { }

    internal WorkflowsClient(ApiTransport api) => _api = api;

    /// <summary>
    /// Starts one run of the workflow's published version per recipient (or, naming topics, a fan-out that starts one per
    /// member). Retries carry the same Idempotency-Key: a trigger never starts its runs twice.
    /// </summary>
    [ApiOperation("POST /api/v1/services/workflows/{key}/trigger")]
    public virtual async Task<WorkflowTriggerResult> TriggerAsync(string workflowKey, WorkflowTrigger trigger,
        string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        var answer = await _api.SendAsync(HttpMethod.Post, $"{Base}/{Segment(workflowKey)}/trigger",
            Json(trigger, ClientJson.Default.WorkflowTrigger), idempotencyKey, cancellationToken).ConfigureAwait(false);
        using var doc = JsonDocument.Parse(answer.Body);
        if (doc.RootElement.TryGetProperty("runIds", out _))
            return new WorkflowTriggerResult
            {
                RunIds = answer.Read(ClientJson.Default.TriggerAcceptedBody).RunIds ?? [], Replayed = answer.Replayed
            };
        return new WorkflowTriggerResult { FanOut = answer.Read(ClientJson.Default.FanOutAccepted), Replayed = answer.Replayed };
    }

    /// <summary>An event for a user: wakes their runs waiting for it; answers how many woke.</summary>
    [ApiOperation("POST /api/v1/services/workflows/events")]
    public virtual async Task<int> SendEventAsync(WorkflowEvent workflowEvent, CancellationToken cancellationToken = default) =>
        (await _api.SendAsync(HttpMethod.Post, $"{Base}/events", workflowEvent, ClientJson.Default.WorkflowEvent,
            ClientJson.Default.CountResult, null, cancellationToken).ConfigureAwait(false)).Woken;

    /// <summary>A run with its steps and timeline.</summary>
    [ApiOperation("GET /api/v1/services/workflows/runs/{id}")]
    public virtual Task<WorkflowRun> GetRunAsync(Guid runId, CancellationToken cancellationToken = default) =>
        _api.GetAsync($"{Base}/runs/{runId}", ClientJson.Default.WorkflowRun, cancellationToken);

    /// <summary>One page of runs, newest first.</summary>
    [ApiOperation("GET /api/v1/services/workflows/runs")]
    public virtual Task<Page<WorkflowRunSummary>> GetRunsPageAsync(RunQuery? query = null, string? cursor = null,
        CancellationToken cancellationToken = default) =>
        _api.GetAsync(Query($"{Base}/runs", ("workflow", query?.Workflow), ("userId", query?.UserId), ("state", query?.State),
            ("limit", query?.Limit?.ToString()), ("cursor", cursor)), ClientJson.Default.PageWorkflowRunSummary, cancellationToken);

    /// <summary>Every run matching <paramref name="query"/>, newest first.</summary>
    public virtual IAsyncEnumerable<WorkflowRunSummary> ListRunsAsync(RunQuery? query = null,
        CancellationToken cancellationToken = default) =>
        Paging.All((cursor, ct) => GetRunsPageAsync(query, cursor, ct), cancellationToken);

    /// <summary>Cancels a run: its wait or delay stops at once.</summary>
    [ApiOperation("POST /api/v1/services/workflows/runs/{id}/cancel")]
    public virtual async Task<WorkflowRun> CancelRunAsync(Guid runId, CancellationToken cancellationToken = default) =>
        (await _api.SendAsync(HttpMethod.Post, $"{Base}/runs/{runId}/cancel", null, null, cancellationToken).ConfigureAwait(false))
            .Read(ClientJson.Default.WorkflowRun);

    /// <summary>Resumes a cancelled run where it stopped.</summary>
    [ApiOperation("POST /api/v1/services/workflows/runs/{id}/resume")]
    public virtual async Task<WorkflowRun> ResumeRunAsync(Guid runId, CancellationToken cancellationToken = default) =>
        (await _api.SendAsync(HttpMethod.Post, $"{Base}/runs/{runId}/resume", null, null, cancellationToken).ConfigureAwait(false))
            .Read(ClientJson.Default.WorkflowRun);

    /// <summary>Cancels every running or waiting run the query matches; answers how many.</summary>
    [ApiOperation("POST /api/v1/services/workflows/runs/cancel")]
    public virtual async Task<int> CancelRunsAsync(RunCancelQuery query, CancellationToken cancellationToken = default) =>
        (await _api.SendAsync(HttpMethod.Post, $"{Base}/runs/cancel", query, ClientJson.Default.RunCancelQuery,
            ClientJson.Default.CountResult, null, cancellationToken).ConfigureAwait(false)).Cancelled;

    /// <summary>The progress of a trigger naming topics.</summary>
    [ApiOperation("GET /api/v1/services/workflows/fan-outs/{id}")]
    public virtual Task<FanOutStatus> GetFanOutAsync(Guid id, CancellationToken cancellationToken = default) =>
        _api.GetAsync($"{Base}/fan-outs/{id}", ClientJson.Default.FanOutStatus, cancellationToken);

    /// <summary>Stops a trigger's fan-out: members not yet reached get no run.</summary>
    [ApiOperation("POST /api/v1/services/workflows/fan-outs/{id}/cancel")]
    public virtual async Task<FanOutStatus> CancelFanOutAsync(Guid id, CancellationToken cancellationToken = default) =>
        (await _api.SendAsync(HttpMethod.Post, $"{Base}/fan-outs/{id}/cancel", null, null, cancellationToken).ConfigureAwait(false))
            .Read(ClientJson.Default.FanOutStatus);
}
