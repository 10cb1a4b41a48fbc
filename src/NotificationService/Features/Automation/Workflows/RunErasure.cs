using Npgsql;
using NotificationService.Queue;

namespace NotificationService.Features.Automation.Workflows;

/// <summary>
/// Erase's part in workflows: every run of the person, running, waiting or ended, goes in one transaction with its
/// timeline, sends and waits, and the person's digest and throttle windows; the jobs that would end its delay or wait are
/// cancelled. A run is about one user and
/// carries what it was triggered with (data, actor), so emptying it would leave a run that cannot go on: it is deleted,
/// not cancelled (a cancel would also announce `workflow.run.cancelled`, naming the user, to the tenant's webhooks). A
/// step job already queued finds no run and ends; the notifications the run made are erased with the person's others.
/// </summary>
public sealed class RunErasure(NpgsqlDataSource db, JobQueue queue, IStepWindows windows)
{
    public async Task<int> ForgetUserAsync(Guid tenantId, string userId, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var (runs, dueJobs) = await RunStore.DeleteOfUserAsync(conn, tx, tenantId, userId, ct);
        if (runs.Length > 0)
        {
            var tenants = Enumerable.Repeat(tenantId, runs.Length).ToArray();
            await WorkflowSends.PurgeAsync(conn, tx, tenants, runs, ct);
            await WaitStore.PurgeAsync(conn, tx, tenants, runs, ct);
            foreach (var job in dueJobs) await queue.CancelAsync(conn, tx, tenantId, job, ct);
        }
        var windowRows =
            await windows.ForgetUserAsync(conn, tx, tenantId, userId, ct);   // the person's digest and throttle windows, open or closed
        await tx.CommitAsync(ct);
        return runs.Length + windowRows;
    }
}
