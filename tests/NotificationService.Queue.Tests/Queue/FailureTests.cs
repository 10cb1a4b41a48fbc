
namespace NotificationService.Queue.Tests.Queue;

public class FailureTests
{
    private static readonly Guid Tenant = Guid.NewGuid();
    private static NewJob Send(int maxAttempts = 8, DateTimeOffset? runAt = null) => new("email", "send", Tenant, "{}", RunAt: runAt, MaxAttempts: maxAttempts);

    [Fact]
    public async Task A_retried_job_runs_again_and_is_deleted_when_it_succeeds()
    {
        await using var q = await QueueDatabase.CreateAsync();
        var handler = new RecordingHandler(j => j.Attempt < 3 ? new JobResult.Retry("provider timeout") : JobResult.Done);
        await q.EnqueueAsync(Send());

        await using (new Running(q.Processor(handler))) await handler.WaitForAsync(3);

        Assert.Equal([1, 2, 3], handler.Seen.Select(j => j.Attempt));
        Assert.Equal(0L, await q.ScalarAsync<long>("select count(*) from jobs"));
    }

    [Fact]
    public async Task A_job_that_exhausts_its_attempts_goes_dead_is_listed_and_can_be_retried()
    {
        await using var q = await QueueDatabase.CreateAsync();
        var failing = true;
        var handler = new RecordingHandler(_ => Volatile.Read(ref failing) ? new JobResult.Retry("mailbox full") : JobResult.Done);
        var id = (await q.EnqueueAsync(Send(maxAttempts: 2)))[0];

        await using (new Running(q.Processor(handler)))
        {
            await handler.WaitForAsync(2);
            var dead = await WaitForDeadAsync(q, id);
            Assert.Equal((2, "mailbox full"), (dead.Attempt, dead.LastError));
            Assert.Empty(await q.Queue.ListDeadAsync(Guid.NewGuid(), "email", 10, null, CancellationToken.None));
            Assert.Null(await q.Queue.RetryDeadAsync(Guid.NewGuid(), "email", id, CancellationToken.None));

            Volatile.Write(ref failing, false);
            Assert.NotNull(await q.Queue.RetryDeadAsync(Tenant, "email", id, CancellationToken.None));
            await handler.WaitForAsync(1);
        }
        Assert.Equal(1, handler.Seen[^1].Attempt); // attempts were reset
        Assert.Equal(0L, await q.ScalarAsync<long>("select count(*) from jobs"));
    }

    [Fact]
    public async Task A_permanent_failure_goes_dead_at_once_without_retries()
    {
        await using var q = await QueueDatabase.CreateAsync();
        var handler = new RecordingHandler(_ => new JobResult.Failed("invalid address"));
        var id = (await q.EnqueueAsync(Send()))[0];

        await using (new Running(q.Processor(handler)))
        {
            await handler.WaitForAsync(1);
            var dead = await WaitForDeadAsync(q, id);
            Assert.Equal((1, "invalid address"), (dead.Attempt, dead.LastError));
        }
        Assert.Single(handler.Seen);
    }

    [Fact]
    public async Task A_throttled_job_is_postponed_without_consuming_an_attempt()
    {
        await using var q = await QueueDatabase.CreateAsync();
        var handler = new RecordingHandler(j => new JobResult.Throttled(TimeSpan.FromMilliseconds(50), "429 Too Many Requests"));
        await q.EnqueueAsync(Send(maxAttempts: 2));

        await using (new Running(q.Processor(handler))) await handler.WaitForAsync(4);

        Assert.All(handler.Seen, j => Assert.Equal(1, j.Attempt));
        Assert.Equal(0L, await q.ScalarAsync<long>("select count(*) from jobs where state = 'dead'"));
    }

    private static async Task<DeadJob> WaitForDeadAsync(QueueDatabase q, long id) =>
        (await Eventually.Async(() => q.Queue.ListDeadAsync(Tenant, "email", 10, null, CancellationToken.None),
            dead => dead.Any(d => d.Id == id), $"job {id} to go dead")).First(d => d.Id == id);
}
