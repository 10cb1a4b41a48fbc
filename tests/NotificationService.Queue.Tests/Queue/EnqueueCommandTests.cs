using Npgsql;

namespace NotificationService.Queue.Tests.Queue;

/// <summary>
/// A producer that writes jobs and the rows naming them in one round trip takes the jobs' insert as a batch command
/// whose ids are known before it runs (reserved from the jobs' sequence a block at a time).
/// </summary>
public class EnqueueCommandTests
{
    private static readonly Guid Tenant = Guid.NewGuid();

    private static NewJob[] Numbered(int from, int count) =>
        Enumerable.Range(from, count).Select(i => new NewJob("email", "send", Tenant, $$"""{"n":{{i}}}""", Units: 2)).ToArray();

    private static async Task<long[]> RunAsync(QueueDatabase q, IReadOnlyList<NewJob> jobs, string? alongside = null)
    {
        var (command, ids) = await q.Queue.EnqueueCommandAsync(jobs, CancellationToken.None);
        await using var batch = q.Db.CreateBatch();
        batch.BatchCommands.Add(command);
        if (alongside is not null) batch.BatchCommands.Add(new NpgsqlBatchCommand(alongside));
        await batch.ExecuteNonQueryAsync();
        return ids;
    }

    [Fact]
    public async Task Each_job_gets_the_id_reported_before_the_batch_ran_across_blocks_and_beside_ordinary_enqueues()
    {
        await using var q = await QueueDatabase.CreateAsync();
        var first = await RunAsync(q, Numbered(0, 300));
        var ordinary = await q.EnqueueAsync(Numbered(300, 10));
        var second = await RunAsync(q, Numbered(310, 300));   // past the first reserved block of 512

        var all = first.Concat(ordinary).Concat(second).ToArray();
        Assert.Equal(610, all.Distinct().Count());
        Assert.Equal(610L, await q.ScalarAsync<long>("select count(*) from jobs where state = 'ready' and units = 2"));
        for (var i = 0; i < all.Length; i += 61)
            Assert.Equal((long)i, await q.ScalarAsync<long>($"select (args->>'n')::bigint from jobs where id = {all[i]}"));
    }

    [Fact]
    public async Task Jobs_in_a_batch_whose_later_command_fails_are_not_committed()
    {
        await using var q = await QueueDatabase.CreateAsync();
        await Assert.ThrowsAsync<PostgresException>(() => RunAsync(q, Numbered(0, 3), alongside: "select 1 / 0"));
        Assert.Equal(0L, await q.ScalarAsync<long>("select count(*) from jobs"));

        // The ids taken for the failed batch are a gap; the next batch's jobs commit.
        var ids = await RunAsync(q, Numbered(3, 2));
        Assert.Equal(2L, await q.ScalarAsync<long>($"select count(*) from jobs where id in ({ids[0]}, {ids[1]})"));
    }
}
