using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Features.Administration.Platform;
using NotificationService.Tests.Shared;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Administration.Platform;

/// <summary>
/// A deletion runs as a Hangfire job enqueued from its row, the outbox the request writes in its own transaction: a
/// request that rolls back leaves no row and so no job, and a row committed by a request that stopped before enqueueing
/// is picked up and deleted by exactly one job.
/// </summary>
[Collection("platform")]
public class TenantDeletionJobTests(PlatformFixture service)
{
    private const string JobsOfDeletion = """
        select count(*) from hangfire.job where invocationdata::text like '%TenantDeletionJobs%' and arguments::text like '%' || $1 || '%'
        """;

    [Fact]
    public async Task A_deletion_whose_transaction_rolls_back_leaves_no_job_and_a_committed_one_without_a_job_is_picked_up_once()
    {
        var (rolledBack, committed) = (await NewTenantIdAsync(), await NewTenantIdAsync());
        var store = service.Factory.Services.GetRequiredService<TenantDeletionStore>();
        var jobs = service.Factory.Services.GetRequiredService<TenantDeletionJobs>();

        Guid lost, kept;
        await using (var conn = await service.Db.OpenConnectionAsync())
        {
            await using (var tx = await conn.BeginTransactionAsync())
            {
                (lost, _) = await store.CreateAsync(conn, tx, rolledBack, "spec", default);
                await tx.RollbackAsync();
            }
            await using (var tx = await conn.BeginTransactionAsync())
            {
                (kept, _) = await store.CreateAsync(conn, tx, committed, "spec", default);
                await tx.CommitAsync();
            }
        }
        // As if both requests had stopped long ago, between their commit (or rollback) and the enqueue.
        await service.ScalarAsync<int>("update tenant_deletions set created_at = now() - interval '1 hour' where id = $1 returning 1", kept);

        await jobs.PickUpAsync(default);
        await jobs.PickUpAsync(default);   // the row is marked: no second job

        Assert.Equal(0L, await service.ScalarAsync<long>("select count(*) from tenant_deletions where id = $1", lost));
        Assert.Equal(0L, await service.ScalarAsync<long>(JobsOfDeletion, lost.ToString()));
        Assert.Equal(1L, await service.ScalarAsync<long>(JobsOfDeletion, kept.ToString()));
        var done = await Eventually.Async(async () => await store.FindAsync(kept, default), d => d?.Status == "completed", "the picked-up deletion to complete",
            TimeSpan.FromSeconds(120));
        Assert.Null(done!.TenantId);
        Assert.Equal(0L, await service.ScalarAsync<long>("select count(*) from tenants where id = $1", committed));
        Assert.Equal(1L, await service.ScalarAsync<long>("select count(*) from tenants where id = $1", rolledBack));
    }

    private async Task<Guid> NewTenantIdAsync()
    {
        var slug = $"job-{Guid.NewGuid():N}"[..16];
        var created = await (await service.Platform().PostJsonAsync("/api/v1/platform/tenants", new { name = slug, slug })).JsonAsync();
        return Guid.Parse(created["id"]!.GetValue<string>());
    }
}
