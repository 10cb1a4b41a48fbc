using Npgsql;
using NotificationService.Contracts;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Infrastructure;
using NotificationService.Queue;
using NotificationService.Workflows.Runs;

namespace NotificationService.Features.Automation.Workflows;

/// <summary>Cancel (one run, or every run a query names), resume, and events that wake waiting runs.</summary>
public sealed class RunCommands(WorkflowEngine engine, NotificationLedger ledger, RunStore runs, JobQueue queue)
{
    /// <summary>Runs cancelled per transaction by a cancel by query.</summary>
    private const int CancelChunk = 100;
    /// <summary>A cancel by query stops at most this many runs per request (the answer says how many; ask again for more).</summary>
    public const int MaxCancelPerRequest = 10_000;

    /// <summary>Cancels one run: its wait or delay stops at once. 404 for no such run, 409 when it already ended or was
    /// cancelled.</summary>
    public async Task CancelAsync(Guid tenantId, Guid runId, CancellationToken ct)
    {
        var t = await engine.ApplyAsync(tenantId, runId, new RunInput.Cancel("cancelled by id"), ct)
            ?? throw new NotFoundException("The run");
        if (!t.Changed) throw new ConflictException($"The run is already {RunStore.StateName(t.State.Status)}.");
    }

    public async Task<int> CancelWhereAsync(Guid tenantId, RunFilter filter, CancellationToken ct)
    {
        var ids = await runs.CancellableAsync(tenantId, filter, MaxCancelPerRequest, ct);
        var cancelled = 0;
        foreach (var chunk in ids.Chunk(CancelChunk))
        {
            await using var tx = await ledger.BeginAsync(ct);
            foreach (var id in chunk)
                if (await engine.ApplyAsync(tx, tenantId, id, new RunInput.Cancel("cancelled by query"), ct) is { Changed: true })
                    cancelled++;
            await tx.CommitAsync(ct);
        }
        return cancelled;
    }

    /// <summary>A cancelled run goes on where it stopped (a wait or delay keeps its deadline). 404 when the run is gone
    /// (past its retention), 409 when it is not cancelled.</summary>
    public async Task ResumeAsync(Guid tenantId, Guid runId, CancellationToken ct)
    {
        var t = await engine.ApplyAsync(tenantId, runId, new RunInput.Resume(), ct) ?? throw new NotFoundException("The run");
        if (!t.Changed) throw new ConflictException($"Only a cancelled run resumes; this one is {RunStore.StateName(t.State.Status)}.");
    }

    /// <summary>Wakes the user's runs waiting for this event (and key); returns how many.</summary>
    public async Task<int> EventAsync(Guid tenantId, string name, string userId, string? key, CancellationToken ct)
    {
        await using var tx = await ledger.BeginAsync(ct);
        var woken = await WaitStore.WakeForEventAsync(tx.Connection, tx.Transaction, tenantId, userId, name, key, ct);
        if (woken.Count > 0)
        {
            await queue.EnqueueAsync(tx.Connection, tx.Transaction,
                woken.Select(w => WorkflowStepJob.For(w.TenantId, w.RunId, WorkflowStepJob.Woken, w.Seq)).ToList(), ct);
            tx.WakeAfterCommit(WorkflowStepJob.Queue);
        }
        await tx.CommitAsync(ct);
        return woken.Count;
    }
}

/// <summary>
/// Ended runs (completed, failed, cancelled) are kept `Retention:WorkflowRuns:Days` (30) after they ended, with their
/// timeline, sends and waits; a cancelled run can be resumed until then.
/// </summary>
public sealed class WorkflowRunRetention(NpgsqlDataSource db) : IRetainedData
{
    public string Kind => "WorkflowRuns";
    public int DefaultDays => 30;

    public async Task<int> PurgeAsync(DateTimeOffset olderThan, int limit, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var (tenants, ids) = await RunStore.PurgeEndedAsync(conn, tx, olderThan, limit, ct);
        if (ids.Length > 0)
        {
            await WorkflowSends.PurgeAsync(conn, tx, tenants, ids, ct);
            await WaitStore.PurgeAsync(conn, tx, tenants, ids, ct);
        }
        await tx.CommitAsync(ct);
        return ids.Length;
    }
}
