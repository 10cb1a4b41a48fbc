using System.Text.Json.Nodes;
using NotificationService.Features.People.Recipients;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Automation.Workflows;

/// <summary>`POST /api/v1/admin/workflows/{key}/test-runs`. Unknown properties are refused (JsonBody).</summary>
public sealed record TestRunRequest
{
    /// <summary>The test user (required): the run is theirs, its sends use their profile's addresses.</summary>
    public string? UserId { get; init; }
    /// <summary>Sample trigger data (a JSON object, at most 256 KB).</summary>
    public JsonObject? Data { get; init; }
    /// <summary>The version to run; the latest saved (a draft included) when left out.</summary>
    public int? Version { get; init; }
}

public sealed record TestRunStarted(Guid RunId, int Version, bool TestRun, string StatusUrl);

/// <summary>
/// A test run from the editor: one run of a saved version (the latest by default, so a draft is tried before it is
/// published) for one test user, checked as a trigger is (the userId gate, every send step made and rendered for the
/// user, <see cref="WorkflowTrigger.CheckSendsAsync"/>). The run is flagged `test_run`: its sends go to the sandbox
/// whatever providers the tenant has (<see cref="Sending.Delivery.SandboxOnly"/>), and its delays and wait timeouts are
/// shortened by `Workflows:TestRunScale` (<see cref="WorkflowOptions"/>).
/// </summary>
public sealed class WorkflowTestRuns(WorkflowStore store, WorkflowTrigger trigger, NotificationLedger ledger, RunStarts starts,
    UserIdGate gate)
{
    public async Task<TestRunStarted> StartAsync(Guid tenantId, string key, TestRunRequest req, string pathBase, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        ProfileRules.CheckUserId(req.UserId, "userId", errors);
        if (req.Data is not null && System.Text.Encoding.UTF8.GetByteCount(req.Data.ToJsonString()) > TriggerRules.MaxDataBytes)
            errors["data"] = [$"data is at most {TriggerRules.MaxDataBytes / 1024} KB."];
        if (req.Version is < 1) errors["version"] = ["A version is a number from 1."];
        if (errors.Count > 0) throw new RequestValidationException(errors);
        var userId = req.UserId!;
        await gate.AdmitAsync(tenantId, userId, "userId", ct);
        var workflow = await store.VersionAsync(tenantId, key, req.Version, publishedOnly: false, ct);
        if (workflow is null)
        {
            if (await store.GetAsync(tenantId, key, ct) is null) throw new NotFoundException($"The workflow '{key}'");
            throw RequestValidationException.For("version", $"The workflow '{key}' has no version {req.Version}.", 422);
        }
        await trigger.CheckSendsAsync(tenantId, workflow, userId, new TriggerRequest { Data = req.Data }, ct);
        await using var tx = await ledger.BeginAsync(ct);
        var runs = await starts.StartAsync(tx, tenantId, workflow, [userId], null, req.Data, null, null, ct, testRun: true);
        await tx.CommitAsync(ct);
        return new TestRunStarted(runs[0], workflow.Version, true, $"{pathBase}/api/v1/services/workflows/runs/{runs[0]}");
    }
}
