using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using NotificationService.Features.Sending.Bulk;
using NotificationService.Infrastructure;
using NotificationService.Tests.Support;

namespace NotificationService.Tests.Features.Sending.Bulk;

/// <summary>
/// One runner decides for a job (its duplicate check lives in that runner's memory): a runner whose job was
/// taken over, say by a rescue after its lease ran out while it stalled, commits nothing more.
/// </summary>
[Collection("service")]
public class BulkRunnerTests(ServiceFixture service)
{
    [Fact]
    public async Task A_runner_that_lost_the_job_to_another_commits_no_chunk_and_cannot_end_it()
    {
        var tenant = await service.NewTenantAsync();
        await BulkCsv.AddOrderTemplateAsync(service.Db, tenant.Id);
        var jobId = Guid.Parse((await (await BulkCsv.PostAsync(tenant.Http, BulkCsv.Utf8("email,first_name,order_id\nada@example.com,Ada,A-1\n"))).JsonAsync())["jobId"]!.GetValue<string>());
        await BulkCsv.WaitFinishedAsync(tenant.Http, jobId);
        // The job runs again, under the runner that took it over.
        var current = Guid.NewGuid();
        await service.ScalarAsync<int>("update bulk_jobs set status = 'enqueuing', runner = $2 where id = $1 returning 1", jobId, current);
        var options = JsonSerializer.Deserialize<BulkOptions>((await service.ScalarAsync<string>("select options::text from bulk_jobs where id = $1", jobId))!, JsonBody.Options)!;
        var row = new BulkRowMapper(options, ["email", "first_name", "order_id"]).Map(2, 3, ["zed@example.com", "Zed", "Z-9"]);
        var (stale, owner) = (new BulkJobContext(jobId, tenant.Id, options, Guid.NewGuid()), new BulkJobContext(jobId, tenant.Id, options, current));
        var writer = service.Factory.Services.GetRequiredService<BulkChunkWriter>();
        var end = service.Factory.Services.GetRequiredService<BulkJobEnd>();
        Task<long> SentToZed() => service.ScalarAsync<long>("select count(*) from notifications where batch_id = $1 and recipient->>'email' = 'zed@example.com'", jobId)!;

        Assert.False(await writer.CommitAsync(stale, new BulkChunk(3, 3, 0, [row]), default));
        Assert.Equal(0, await SentToZed());
        Assert.Equal(0, await service.ScalarAsync<long>("select count(*) from bulk_chunks where job_id = $1 and first_row = 3", jobId));
        await end.CompleteAsync(stale, totalRows: 2, default);
        await end.FailAsync(stale, "stalled runner", default);
        Assert.Equal("enqueuing", await service.ScalarAsync<string>("select status from bulk_jobs where id = $1", jobId));

        Assert.True(await writer.CommitAsync(owner, new BulkChunk(3, 3, 0, [row]), default));
        Assert.Equal(1, await SentToZed());
        await end.CompleteAsync(owner, totalRows: 2, default);
        Assert.Equal("completed", await service.ScalarAsync<string>("select status from bulk_jobs where id = $1", jobId));
    }
}
