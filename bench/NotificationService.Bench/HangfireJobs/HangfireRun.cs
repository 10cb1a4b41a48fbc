using System.Diagnostics;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Npgsql;
using NotificationService.Bench.Service;

namespace NotificationService.Bench.HangfireJobs;

/// <param name="Dispatch">The service's own dispatch, drained in the same phase on the same cluster.</param>
public sealed record HangfireBenchResult(int Jobs, TimeSpan DrainTime, bool Drained, int Workers, TimeSpan QueuePoll, DispatchResult Dispatch)
{
    public double JobsPerSec => Jobs / DrainTime.TotalSeconds;
}

/// <summary>
/// Hangfire.PostgreSql on the bench's cluster, tuned as its documentation advises for throughput (a short queue poll with
/// LISTEN/NOTIFY long polling, sliding invisibility, one pool connection per worker), draining N jobs that each do one
/// delivery's bookkeeping (<see cref="DeliveryBookkeeping"/>); then the service's own dispatch of as many jobs. The jobs are
/// enqueued before the server starts, so the clock times fetching and running, as the dispatch figure does.
/// </summary>
public static class HangfireRun
{
    public const string Phase = "hangfire";
    private const int Workers = 20;   // Hangfire's default cap (ProcessorCount × 5, at most 20)
    private static readonly TimeSpan QueuePoll = TimeSpan.FromMilliseconds(200);

    public static async Task<HangfireBenchResult> MeasureAsync(string dll, Func<string, Task<string>> createDatabase, int jobs,
        DispatchWarmUp.Plan? warmUp)
    {
        var cs = new NpgsqlConnectionStringBuilder(await createDatabase("hangfire")) { MaxPoolSize = Workers + 10, Enlist = false }.ConnectionString;
        await using var db = NpgsqlDataSource.Create(cs);
        await using (var schema = db.CreateCommand(DeliveryBookkeeping.Schema)) await schema.ExecuteNonQueryAsync();
        await using (var seed = db.CreateCommand("insert into bench_hf_delivery select g, 'queued' from generate_series(1, $1) g"))
        {
            seed.Parameters.AddWithValue((long)jobs);
            await seed.ExecuteNonQueryAsync();
        }
        DeliveryBookkeeping.Db = db;

        var storage = new PostgreSqlStorage(new NpgsqlConnectionFactory(cs, new PostgreSqlStorageOptions()), new PostgreSqlStorageOptions
        {
            PrepareSchemaIfNecessary = true,
            QueuePollInterval = QueuePoll,
            EnableLongPolling = true,
            UseSlidingInvisibilityTimeout = true,
            InvisibilityTimeout = TimeSpan.FromMinutes(5),
        });
        var client = new BackgroundJobClient(storage);
        Progress.Show($"hangfire: enqueueing {jobs:N0} bookkeeping jobs");
        await Parallel.ForEachAsync(Enumerable.Range(1, jobs), new ParallelOptions { MaxDegreeOfParallelism = 8 }, (id, _) =>
        {
            client.Enqueue(() => DeliveryBookkeeping.RecordAsync(id));
            return ValueTask.CompletedTask;
        });

        Progress.Show($"hangfire: {Workers} workers draining {jobs:N0} jobs");
        var clock = Stopwatch.StartNew();
        var drained = false;
        using (new BackgroundJobServer(new BackgroundJobServerOptions { WorkerCount = Workers, Queues = ["default"] }, storage))
        {
            var deadline = TimeSpan.FromMinutes(10);
            var report = TimeSpan.FromSeconds(10);
            while (clock.Elapsed < deadline)
            {
                var done = await EventsAsync(db);
                if (drained = done >= jobs) break;
                if (clock.Elapsed >= report)
                {
                    report += TimeSpan.FromSeconds(10);
                    Progress.Show($"hangfire: {done:N0}/{jobs:N0} recorded ({clock.Elapsed.TotalSeconds:N0} s); {States(storage)}");
                }
                await Task.Delay(50);
            }
            clock.Stop();
            if (!drained)
                Progress.Show($"hangfire: not drained in {deadline.TotalMinutes:N0} min: {States(storage)}{FirstFailure(storage)}");
        }
        DeliveryBookkeeping.Db = null;

        var dispatch = await DispatchRun.MeasureAsync(dll, await createDatabase("hangfire_dispatch"), jobs, warmUp: warmUp);
        return new HangfireBenchResult(jobs, clock.Elapsed, drained, Workers, QueuePoll, dispatch);
    }

    /// <summary>Where Hangfire's jobs are, so a phase that does not drain says why (failed and retrying, or never fetched).</summary>
    private static string States(JobStorage storage)
    {
        var api = storage.GetMonitoringApi();
        return $"Hangfire: {api.EnqueuedCount("default"):N0} enqueued, {api.ProcessingCount():N0} processing, " +
               $"{api.ScheduledCount():N0} scheduled (retries), {api.FailedCount():N0} failed, {api.SucceededListCount():N0} succeeded";
    }

    private static string FirstFailure(JobStorage storage) =>
        storage.GetMonitoringApi().FailedJobs(0, 1).FirstOrDefault().Value is { } failed
            ? $"; first failure: {failed.ExceptionType}: {failed.ExceptionMessage}" : "";

    private static async Task<long> EventsAsync(NpgsqlDataSource db)
    {
        await using var cmd = db.CreateCommand("select count(*) from bench_hf_event");
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
