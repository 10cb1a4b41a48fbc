using NotificationService.Features.Sending.Notifications;
using NotificationService.Infrastructure;
using NotificationService.Queue;

namespace NotificationService.Features.Sending.Topics;

/// <summary>
/// The `fan_out` job. A run takes the fan-out, snapshots the membership once (<see cref="FanOutStore.SnapshotAsync"/>:
/// the members as they stood when it started, each once, the excluded left out), then commits chunk after chunk — two at
/// once while the next is prepared — each in one transaction that consumes the chunk's row, creates its members'
/// notifications through <see cref="NotificationWriter"/> (the same set-based insert as batches and CSV jobs: one job
/// insert, one binary COPY) and adds to the counters. Exactly once, by the database: a chunk's notifications exist iff
/// its row is gone, a killed worker's chunks roll back and are still there for the next run, two runs cannot consume one
/// row, and the membership is snapshotted once, each member in one chunk. A cancel makes
/// every later chunk roll back, so what was not yet created is not created.
/// </summary>
public sealed class FanOutJobHandler(FanOutStore store, FanOutDrafts drafts, NotificationLedger ledger, NotificationWriter writer,
    FanOutQuota quota, IConfiguration config, ILogger<FanOutJobHandler> log) : JobHandler<FanOutJob>
{
    public const string QueueName = "fanout";
    private readonly int _chunkMembers = Math.Max(1, config.GetValue("Topics:FanOutChunkMembers", 2_000));
    // One PostgreSQL backend per chunk in flight: inserting is the cost, and one backend uses one core (as CSV jobs do).
    private readonly int _commitsInFlight = Math.Max(1, config.GetValue("Topics:FanOutCommitsInFlight", 2));

    private enum Commit { Done, TakenAlready, Stopped }

    protected override async Task<IReadOnlyList<JobResult>> HandleAsync(IReadOnlyList<(Job Job, FanOutJob Args)> jobs,
        CancellationToken ct) =>
        await Task.WhenAll(jobs.Select(j => RunAsync(j.Job.TenantId, j.Args.FanOutId, ct)));

    private async Task<JobResult> RunAsync(Guid tenantId, Guid id, CancellationToken ct)
    {
        if (await store.StartAsync(tenantId, id, ct) is not { } fanOut)
        {
            await store.DropChunksAsync(tenantId, id, ct);   // ended: cancelled before it began, or while its last worker was dead
            return JobResult.Done;
        }
        var run = FanOutDrafts.Open(fanOut);
        try
        {
            // The snapshot is where the membership becomes messages: it settles the quota charge in its own transaction.
            if (await store.SnapshotAsync(fanOut, run.Excluded, _chunkMembers, ct,
                    (conn, tx, members) => quota.SettleAsync(conn, tx, fanOut, run.Send, members, _chunkMembers, ct)) is not { } snapshot)
                return JobResult.Done;
            if (await ExpandAsync(run, snapshot, ct)) await store.CompleteAsync(tenantId, id, ct);
            else await store.DropChunksAsync(tenantId, id, ct);   // cancelled: nothing more will be created
        }
        catch (RequestValidationException e)
        {
            // The send no longer validates (its template was unpublished, its channel lost its provider): end it, keep the reason.
            await store.FailAsync(tenantId, id, e.Message, ct);
            await store.DropChunksAsync(tenantId, id, ct);
        }
        return JobResult.Done;
    }

    /// <returns>False when the fan-out was cancelled meanwhile.</returns>
    private async Task<bool> ExpandAsync(FanOutDrafts.Run run, FanOutSnapshot snapshot, CancellationToken ct)
    {
        var (tenantId, id) = (run.FanOut.TenantId, run.FanOut.Id);
        var inFlight = new Queue<Task<Commit>>();
        var stopped = false;
        long members = 0;
        try
        {
            var after = -1;
            while (!stopped && await store.NextChunkAsync(tenantId, id, after, ct) is { } chunk)
            {
                after = chunk.No;
                var list = FanOutQuota.Apply(snapshot.QuotaLimitsJson, chunk, await drafts.ForChunkAsync(run, chunk, ct));
                inFlight.Enqueue(Task.Run(() => CommitAsync(run, chunk, list, ct), ct));
                while (inFlight.Count >= _commitsInFlight && !stopped) stopped = await inFlight.Dequeue() == Commit.Stopped;
                if ((members += chunk.UserIds.Length) % 100_000 < chunk.UserIds.Length)
                    log.LogInformation("fan-out {FanOut}: {Members:N0} of {Total:N0} members read", id, members, snapshot.Total);
            }
            while (inFlight.Count > 0) stopped |= await inFlight.Dequeue() == Commit.Stopped;
            return !stopped;
        }
        finally
        {
            // A failing chunk fails the run (the queue retries it; committed chunks stay committed): wait for the others first.
            while (inFlight.Count > 0)
                try { await inFlight.Dequeue(); }
                catch { /* the first error is the one reported */ }
        }
    }

    private async Task<Commit> CommitAsync(FanOutDrafts.Run run, FanOutChunk chunk, List<NotificationDraft> list, CancellationToken ct)
    {
        var (tenantId, id) = (run.FanOut.TenantId, run.FanOut.Id);
        await using var tx = await ledger.BeginAsync(ct);
        if (await FanOutStore.ConsumeAsync(tx, tenantId, id, chunk.No, ct) is not { } members)
        { await tx.RollbackAsync(ct); return Commit.TakenAlready; }
        if (members.Length < chunk.UserIds.Length)
        {
            // An erase took a member out after the chunk was read: their drafts are not written.
            var left = members.ToHashSet(StringComparer.Ordinal);
            list = list.Where(d => d.Recipient.UserId is { } u && left.Contains(u)).ToList();
        }
        await writer.InsertAsync(tx, list, ct);
        if (!await FanOutStore.RecordAsync(tx, tenantId, id, members.Length, list.Count, ct))
        { await tx.RollbackAsync(ct); return Commit.Stopped; }
        await tx.CommitAsync(ct);   // wakes the channels' queues
        return Commit.Done;
    }
}
