using System.Text.Json;
using NotificationService.Contracts;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Features.Sending.Topics;
using NotificationService.Infrastructure;
using NotificationService.Queue;
using NotificationService.Workflows.Runs;

namespace NotificationService.Features.Automation.Workflows;

/// <summary>
/// The `workflow_fan_out` job: a trigger naming topics, expanded as a send to topics is (<see cref="FanOutJobHandler"/>).
/// A run takes the fan-out, snapshots the membership once through <see cref="FanOutStore.SnapshotAsync"/> (each member
/// once however many of the topics it is in, the excluded left out, in chunks of 2,000), then commits chunk after chunk,
/// each in one transaction that consumes the chunk's row, inserts its members' runs pinned to the version published at
/// trigger time, enqueues their first steps and adds to the counters. Exactly once, by the database: a chunk's runs exist
/// iff its row is gone, a killed worker's chunk rolls back and is still there for the next run, and the unique index
/// workflow_runs_fan_out_once leaves out a second run for a (fan-out, member), should a chunk ever be committed twice.
/// A cancel makes every later chunk roll back: runs already started go on (cancel them by cancellationKey).
/// </summary>
public sealed class WorkflowFanOutHandler(FanOutStore store, WorkflowStore workflows, NotificationLedger ledger, RunStarts starts,
    IConfiguration config)
    : JobHandler<WorkflowFanOutJob>
{
    // The same chunk size as a send to topics: a chunk's 2,000 runs, their timeline lines and first jobs are three set-based statements.
    private readonly int _chunkMembers = Math.Max(1, config.GetValue("Topics:FanOutChunkMembers", 2_000));

    public enum Commit { Done, TakenAlready, Stopped }

    /// <summary>A fan-out as one job run sees it: what each member's run gets, and the pinned version.</summary>
    public sealed record Run(Guid TenantId, Guid Id, WorkflowFanOutDefinition Trigger, StoredWorkflow Workflow);

    protected override async Task<IReadOnlyList<JobResult>> HandleAsync(IReadOnlyList<(Job Job, WorkflowFanOutJob Args)> jobs,
        CancellationToken ct) =>
        await Task.WhenAll(jobs.Select(j => RunAsync(j.Job.TenantId, j.Args.FanOutId, ct)));

    private async Task<JobResult> RunAsync(Guid tenantId, Guid id, CancellationToken ct)
    {
        if (await store.StartAsync(tenantId, id, ct) is not { } fanOut)
        {
            await store.DropChunksAsync(tenantId, id, ct);   // ended: cancelled before it began, or while its last worker was dead
            return JobResult.Done;
        }
        if (await store.SnapshotAsync(fanOut, Trigger(fanOut).ExcludeUserIds, _chunkMembers, ct) is null) return JobResult.Done;
        if (await OpenAsync(fanOut, ct) is not { } run)
        {
            await store.FailAsync(tenantId, id, "The workflow version it was triggered for no longer exists.", ct);
            await store.DropChunksAsync(tenantId, id, ct);
            return JobResult.Done;
        }
        // One chunk at a time: unlike a send's, a chunk needs no preparing (no per-member validation), so there is nothing to overlap.
        var after = -1;
        while (await store.NextChunkAsync(tenantId, id, after, ct) is { } chunk)
        {
            after = chunk.No;
            if (await CommitAsync(run, chunk, ct) == Commit.Stopped)
            {
                await store.DropChunksAsync(tenantId, id, ct);   // cancelled: no more runs start
                return JobResult.Done;
            }
        }
        await store.CompleteAsync(tenantId, id, ct);
        return JobResult.Done;
    }

    /// <summary>The fan-out's trigger and its pinned version; null when that version is gone (the workflow was deleted).</summary>
    public async Task<Run?> OpenAsync(FanOutRun fanOut, CancellationToken ct)
    {
        var trigger = Trigger(fanOut);
        return await workflows.VersionAsync(fanOut.TenantId, trigger.WorkflowId, trigger.Version, ct) is { } workflow
            ? new Run(fanOut.TenantId, fanOut.Id, trigger, workflow)
            : null;
    }

    private static WorkflowFanOutDefinition Trigger(FanOutRun fanOut) =>
        JsonSerializer.Deserialize<WorkflowFanOutDefinition>(fanOut.DefinitionJson, JsonBody.Options)
            ?? throw new JsonException("an empty workflow fan-out definition");

    /// <summary>One chunk's runs and first jobs (or digest windows), in one transaction that consumes the chunk's row.</summary>
    public async Task<Commit> CommitAsync(Run run, FanOutChunk chunk, CancellationToken ct)
    {
        var (tenantId, id, t) = (run.TenantId, run.Id, run.Trigger);
        await using var tx = await ledger.BeginAsync(ct);
        // The chunk's members as they are now: an erase may have taken one out since it was read.
        if (await FanOutStore.ConsumeAsync(tx, tenantId, id, chunk.No, ct) is not { } members)
        {
            await tx.RollbackAsync(ct);
            return Commit.TakenAlready;
        }
        var started = await starts.StartAsync(tx, tenantId, run.Workflow, members, t.Actor, t.Data, t.CancellationKey, id, ct);
        if (!await FanOutStore.RecordRunsAsync(tx, tenantId, id, members.Length, started.Count, ct))
        {
            await tx.RollbackAsync(ct);
            return Commit.Stopped;
        }
        await tx.CommitAsync(ct);
        return Commit.Done;
    }
}
