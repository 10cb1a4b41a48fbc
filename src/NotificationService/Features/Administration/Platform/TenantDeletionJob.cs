using System.Diagnostics;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Hangfire;
using Npgsql;
using NotificationService.Contracts;
using NotificationService.Features.Tenancy.Tenants;
using NotificationService.Infrastructure;
using NotificationService.Queue;

namespace NotificationService.Features.Administration.Platform;

/// <summary>
/// A tenant deletion as a Hangfire job on the `operator` queue, its only argument the deletion's id. Scheduled after
/// `Tenants:DeleteSettleSeconds` (default 10), so what was in flight when the tenant was suspended (a provider call, usage
/// counts not yet flushed) lands before the rows go. Two jobs of one deletion (the pickup's and the request's, when the
/// request stopped between enqueueing and marking) never overlap, and the second finds the deletion completed. Killed, the
/// job's lease runs out and another server runs it again; the deletion resumes from wherever the rows are.
/// </summary>
public sealed class TenantDeletionJobs(TenantDeleter deleter, TenantDeletionStore store, IBackgroundJobClient jobs,
    IConfiguration config, TimeProvider clock)
{
    private TimeSpan Settle => TimeSpan.FromSeconds(config.GetValue("Tenants:DeleteSettleSeconds", 10.0));

    /// <summary>After the deletion's row committed: the job that runs it.</summary>
    public string Enqueue(Guid deletionId)
        => jobs.Schedule<TenantDeletionJobs>(j => j.RunAsync(deletionId, CancellationToken.None), Settle);

    [Queue(JobQueues.Operator)]
    [DisableConcurrentExecution("tenant-deletion:{0}", 3600)]
    [AutomaticRetry(Attempts = 50)]
    [JobDisplayName("Tenant deletion {0}")]
    public Task RunAsync(Guid deletionId, CancellationToken ct) => deleter.RunAsync(deletionId, null, ct);

    /// <summary>The recurring pickup: a job for each deletion whose request committed and stopped before enqueueing one.</summary>
    [Queue(JobQueues.Maintenance)]
    [DisableConcurrentExecution("tenant-deletion-pickup", 60)]
    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Delete)]
    [JobDisplayName("Tenant deletions: enqueue any left without a job")]
    public async Task PickUpAsync(CancellationToken ct)
    {
        foreach (var id in await store.WithoutJobAsync(clock.GetUtcNow() - Settle - TimeSpan.FromMinutes(1), ct))
        {
            jobs.Enqueue<TenantDeletionJobs>(j => j.RunAsync(id, CancellationToken.None));
            await store.MarkEnqueuedAsync(id, ct);
        }
    }
}

/// <summary>The pickup of deletions left without a job, every minute (`Tenants:DeletePickupCron`).</summary>
public sealed class TenantDeletionRecurringJobs(IConfiguration config) : IRecurringJobs
{
    public void Register(IRecurringJobManager recurring) => recurring.AddOrUpdate<TenantDeletionJobs>("tenant-deletions:pickup",
        JobQueues.Maintenance, j => j.PickUpAsync(CancellationToken.None), config["Tenants:DeletePickupCron"] ?? Cron.Minutely(),
        new RecurringJobOptions { TimeZone = TimeZoneInfo.Utc });
}

/// <summary>The `tenant_delete` job's arguments: the deletion's id (`{"d":…}`). Deletions queued on the service's own queue
/// before they ran on Hangfire finish there.</summary>
public sealed record TenantDeletionJob([property: JsonPropertyName("d")] Guid DeletionId) : IJobArgs<TenantDeletionJob>
{
    public static string Kind => "tenant_delete";
    public static JsonTypeInfo<TenantDeletionJob> JsonType => TenantDeletionJobsJson.Default.TenantDeletionJob;
}

[JsonSerializable(typeof(TenantDeletionJob))]
internal sealed partial class TenantDeletionJobsJson : JsonSerializerContext;

/// <summary>The `tenant_delete` job on the `platform` queue: runs <see cref="TenantDeleter"/> for its deletion.</summary>
public sealed class TenantDeletionHandler(TenantDeleter deleter) : JobHandler<TenantDeletionJob>
{
    public const string QueueName = "platform";

    /// <summary>
    /// The tenant the platform's own jobs are queued under: no tenant's (the hold never holds it, deleting a tenant's jobs
    /// never deletes it). Not <see cref="Guid.Empty"/>: the queue's round robin starts its tenant scan above that value.
    /// </summary>
    public static readonly Guid PlatformTenant = new("00000000-0000-0000-0000-000000000001");

    protected override async Task<IReadOnlyList<JobResult>> HandleAsync(IReadOnlyList<(Job Job, TenantDeletionJob Args)> jobs,
        CancellationToken ct)
    {
        var results = new List<JobResult>();
        foreach (var (_, args) in jobs)
        {
            await deleter.RunAsync(args.DeletionId, null, ct);
            results.Add(JobResult.Done);
        }
        return results;
    }
}

/// <summary>
/// Deletes a tenant: every table with a `tenant_id` (<see cref="TenantTables.DiscoverAsync"/>) is emptied of the tenant's
/// rows in batches of `Tenants:DeleteBatchRows` (default 200), each batch its own short transaction, so other tenants'
/// statements never wait long behind it, and rests between batches so that they take at most `Tenants:DeleteMaxShare` of
/// its time (<see cref="BatchPacing"/>, default 0.25); then a second pass finds nothing left (or deletes what arrived meanwhile, such as
/// usage counts flushed after the suspension); then the tenant row, by its owner. The job belongs to no tenant
/// (<see cref="TenantDeletionHandler.PlatformTenant"/>): the suspension hold never holds it, and deleting the tenant's jobs
/// never deletes it. A crash resumes from wherever the rows are: each step is "delete what is left".
/// </summary>
public sealed class TenantDeleter(NpgsqlDataSource db, TenantDeletionStore store, TenantStore tenants, IConfiguration config,
    ILogger<TenantDeleter> log)
{
    private int BatchRows => Math.Max(1, config.GetValue("Tenants:DeleteBatchRows", 200));

    // Back to back, batches of 1,000 took another tenant's accept p99 to 2.4× of quiet on two cores (Mode=all, bench
    // `tenant-delete`): the deletion's statements and their WAL compete with accept for the same CPU. Resting like an erase
    // does trades the deletion's speed (the tenant is suspended meanwhile; nobody waits on it) for the others' latency.
    internal BatchPacing Pacing => new(config.GetValue("Tenants:DeleteMaxShare", 0.25), TimeSpan.Zero);

    /// <summary>Runs (or resumes) the deletion to its end; <paramref name="progress"/> hears each step (the CLI's progress line).</summary>
    public async Task RunAsync(Guid deletionId, Action<TenantDeletionView>? progress, CancellationToken ct)
    {
        if (await store.TenantOfAsync(deletionId, ct) is not { } tenantId) return;   // completed by an earlier run
        var tables = await TenantTables.DiscoverAsync(db, ct);
        var pacing = Pacing;
        for (var pass = 0; ; pass++)
        {
            long deletedThisPass = 0;
            for (var i = 0; i < tables.Count; i++)
            {
                await store.ProgressAsync(deletionId, tables.Count, i, tables[i], 0, ct);
                while (true)
                {
                    var started = Stopwatch.GetTimestamp();
                    var n = await DeleteBatchAsync(tables[i], tenantId, ct);
                    if (n == 0) break;
                    deletedThisPass += n;
                    // Rests for the batch's own time, before recording it: a progress write that waited on a lock did no work.
                    await pacing.RestAfterAsync(started, ct);
                    await store.ProgressAsync(deletionId, tables.Count, i, tables[i], n, ct);
                    if (progress is not null && await store.FindAsync(deletionId, ct) is { } view) progress(view);
                }
            }
            if (deletedThisPass == 0 || pass >= 4) break;
        }
        await tenants.DeleteTenantRowAsync(tenantId, ct);
        await store.CompleteAsync(deletionId, ct);
        log.LogInformation("tenant deletion {DeletionId} completed over {Tables} tables", deletionId, tables.Count);
        if (progress is not null && await store.FindAsync(deletionId, ct) is { } done) progress(done);
    }

    /// <summary>
    /// One batch of <paramref name="table"/>'s rows of the tenant, with the rows of tables that hang off them without a
    /// cascading key (<see cref="TenantTables.Dependents"/>), in one statement. Rows are picked by their physical address
    /// (ctid), so no table needs a particular key; a row another transaction moved meanwhile is left for the next batch.
    /// </summary>
    private async Task<int> DeleteBatchAsync(string table, Guid tenantId, CancellationToken ct)
    {
        var dependents = TenantTables.Dependents.Where(d => d.Parent == table).ToList();
        var columns = string.Concat(dependents.Select(d => $", {Quote(d.ParentColumn)}").Distinct());
        var deletes = string.Concat(dependents.Select((d, i) =>
            $", d{i} as (delete from {Quote(d.Table)} where {Quote(d.Column)} in (select {Quote(d.ParentColumn)} from batch))"));
        var sql = $"with batch as (select ctid as row_id{columns} from {Quote(table)} where tenant_id = $1 limit $2){deletes} "
            + $"delete from {Quote(table)} where ctid = any(array(select row_id from batch))";
        await using var cmd = db.CreateCommand(sql);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(BatchRows);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"") + "\"";
}
