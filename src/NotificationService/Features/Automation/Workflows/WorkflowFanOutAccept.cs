using System.Text.Json;
using System.Text.Json.Nodes;
using NotificationService.Contracts;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Features.Tenancy.RateLimits;
using NotificationService.Features.Sending.Topics;
using NotificationService.Infrastructure;
using NotificationService.Queue;

namespace NotificationService.Features.Automation.Workflows;

/// <summary>The 202 answer to a trigger naming topics: the fan-out that will start the runs (their ids are not known yet).</summary>
public sealed record WorkflowFanOutAccepted(Guid Id, string Status, string Workflow, int Version, IReadOnlyList<string> Topics,
    string StatusUrl);

/// <summary>
/// What each member's run gets, kept as the fan-out's definition: the version published at trigger time (the runs are
/// pinned to it whenever their chunk commits), the trigger's payload, and the userIds left out.
/// </summary>
public sealed record WorkflowFanOutDefinition(Guid WorkflowId, string Workflow, int Version, JsonNode? Actor, JsonObject? Data,
    string? CancellationKey, string[] ExcludeUserIds);

/// <summary>
/// Accepts a trigger naming topics in constant time, whatever the topics' size, as a send to topics is accepted
/// (<see cref="FanOutAccept"/>): the trigger was checked already (<see cref="WorkflowTrigger"/>), the topics must be the
/// tenant's (404 otherwise), then one transaction writes the fan-out (kind `workflow`), its job and the Idempotency-Key's
/// answer, after charging the topics' member counts (one run each) to the tenant's recipient budget (<see cref="RecipientBudget"/>:
/// a 429 that starts nothing). <see cref="WorkflowFanOutHandler"/> snapshots the membership and starts the runs chunk by chunk.
/// </summary>
public sealed class WorkflowFanOutAccept(TopicStore topics, FanOutStore fanOuts, NotificationLedger ledger, JobQueue queue,
    RecipientBudget budget)
{
    public const string StatusPath = "/api/v1/services/workflows/fan-outs";

    /// <summary>The stand-in member a trigger's sends are checked for: a userId, which every channel accepts.</summary>
    public const string ProbeUser = "fan-out-member";

    public async Task<WorkflowTrigger.Outcome> AcceptAsync(Guid tenantId, StoredWorkflow workflow, string[] keys, TriggerRequest req,
        byte[] raw, string? idempotencyKey, string pathBase, CancellationToken ct)
    {
        var members = await topics.RequireAllAsync(tenantId, keys, ct);
        var definition = new WorkflowFanOutDefinition(workflow.WorkflowId, workflow.Key, workflow.Version, req.Actor, req.Data,
            req.CancellationKey, req.ExcludeUserIds ?? []);
        var id = Uuid7.New();
        await using var tx = await ledger.BeginAsync(ct);
        if (idempotencyKey is not null
            && await IdempotencyStore.ClaimAsync(tx, tenantId, idempotencyKey, raw, ct) is IdempotencyClaim.Replay replay)
        {
            await tx.CommitAsync(ct);
            return new WorkflowTrigger.Outcome(replay.StatusCode, replay.Body, Replayed: true);
        }
        await budget.ChargeAsync(tenantId, members, "This trigger to topics", ct);   // refused: the transaction rolls back
        await fanOuts.CreateAsync(tx, tenantId, id, FanOutKind.Workflow, keys, JsonSerializer.Serialize(definition, JsonBody.Options), ct);
        // The fan-out queue and its low lane, as a send to topics: a topic of a million members must not hold up this
        // tenant's password resets. The runs it starts are ordinary runs on the workflows queue.
        await queue.EnqueueAsync(tx.Connection, tx.Transaction,
            [NewJob.For(FanOutJobHandler.QueueName, tenantId, new WorkflowFanOutJob(id), JobPriority.Low, maxAttempts: 20)], ct);
        tx.WakeAfterCommit(FanOutJobHandler.QueueName);
        var body = JsonSerializer.Serialize(
            new WorkflowFanOutAccepted(id, "pending", workflow.Key, workflow.Version, keys, $"{pathBase}{StatusPath}/{id}"),
            JsonBody.Options);
        if (idempotencyKey is not null) await IdempotencyStore.SaveResponseAsync(tx, tenantId, idempotencyKey, 202, body, ct);
        await tx.CommitAsync(ct);
        return new WorkflowTrigger.Outcome(202, body, Replayed: false);
    }
}
