using System.Security.Claims;
using Npgsql;
using NotificationService.Contracts;
using NotificationService.Features.Tenancy.Audit;
using NotificationService.Features.People.Recipients;
using NotificationService.Queue;

namespace NotificationService.Features.Administration.Privacy;

/// <summary>
/// Starts an erase (the API's DELETE and the console's Users page): one `erase_jobs` row and its `erase_user` job commit
/// together; a user already being erased keeps the running job (a second request can add the block). The audit log
/// records who asked and whether to block, under the job's id: never the userId or anything erased.
/// </summary>
public sealed class EraseRequests(NpgsqlDataSource db, EraseJobStore store, UserBlocklist blocklist, JobQueue queue, AuditLog audit)
{
    public async Task<Guid> RequestAsync(ClaimsPrincipal caller, Guid tenantId, string userId, bool block, CancellationToken ct)
    {
        Guid jobId;
        bool created;
        await using (var conn = await db.OpenConnectionAsync(ct))
        await using (var tx = await conn.BeginTransactionAsync(ct))
        {
            (jobId, created) = await store.CreateAsync(conn, tx, tenantId, Uuid7.New(), block, userId, blocklist.HashOf(tenantId, userId),
                AuditLog.ActorOf(caller), ct);
            if (created) await queue.EnqueueAsync(conn, tx,
                [NewJob.For(EraseJobHandler.QueueName, tenantId, new EraseJob(jobId), maxAttempts: 50)], ct);
            await tx.CommitAsync(ct);
        }
        if (created) queue.NotifyCommitted([EraseJobHandler.QueueName]);
        await audit.RecordAsync(caller, tenantId, "user.erase", "erase_job", jobId.ToString(), null,
            new { jobId, block, joinedRunningErase = !created }, ct);
        return jobId;
    }
}
