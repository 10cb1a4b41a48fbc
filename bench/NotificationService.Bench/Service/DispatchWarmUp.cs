using System.Diagnostics;
using Npgsql;

namespace NotificationService.Bench.Service;

/// <summary>
/// The untimed start of a warm dispatch round (<see cref="DispatchRun"/> with a <see cref="Plan"/>): the timed jobs are
/// queued due a while from now (<see cref="Plan.Hold"/>), the worker delivers the warm-up (notifications of the same
/// kind, due at once) and its tiered JIT goes idle, then the timed jobs fall due and the worker finds them by itself. A
/// cold worker compiles through its first seconds of work (perf, 2026-11-25: the tiered-compilation thread took 7–10 % of
/// the host's samples through a drain's first 4 s, and worker CPU per notification fell from 124–150 µs cold to 69–81
/// warm), more so for the kind whose path has more code, so a ratio of two kinds' cold drains measured their start-up
/// as much as their cost. Holding jobs in the future is also how the claim's plan trap showed (JobClaimer's comment).
/// </summary>
/// <param name="DeliveryTime">The worker answering ready → the warm-up delivered (it starts on it before it is ready).</param>
/// <param name="JitSettleTime">How long the tiered JIT took to go idle after it.</param>
/// <param name="Sent">Sandbox messages the warm-up wrote (the timed round's count leaves them out).</param>
public sealed record DispatchWarmUp(int Notifications, TimeSpan DeliveryTime, TimeSpan JitSettleTime, int Sent)
{
    /// <param name="Hold">From queueing to when the timed jobs fall due: longer than the worker's start, the warm-up and the JIT's settling.</param>
    /// <param name="Released">The smoke run's: the timed jobs are held far out and made due by the bench once the warm-up is
    /// done. A 10 s hold was too short for the webhooks phase inside a CI test run on a slow host (the api process's stop,
    /// the worker's start and its warm-up took longer, and the held deliveries fell due), and a longer one would make the
    /// smoke spec wait it out in every worker phase; at smoke size the figures mean nothing, every step still runs.</param>
    public sealed record Plan(int Notifications, TimeSpan JitSettleTimeout, TimeSpan Hold, bool Released)
    {
        public DateTimeOffset DueAt() => DateTimeOffset.UtcNow + Hold;

        /// <summary>How the timed work begins, for the progress line.</summary>
        public string TimedStart => Released ? "are released by the bench (smoke size)" : "fall due by themselves";

        /// <summary>As many as <paramref name="jobs"/>, untimed; the timed jobs held until the worker has surely started,
        /// delivered them and settled its JIT (~45 s for 50,000 timed jobs, ~70 s for 100,000; the smoke run skips the
        /// settling). Every worker phase warms up so. A fifth was not enough: the JIT went idle after it, then took a third
        /// of the webhook worker's CPU samples during its timed deliveries (perf), and used 1.40 s of CPU during a 7.0 s
        /// timed dispatch drain of 100,000 (14 µs of the worker's 45 per delivery; its second half 1.35 times its first).</summary>
        public static Plan For(int jobs, BenchOptions options) => new(Math.Max(1, jobs), options.JitSettleTimeout,
            options.Smoke ? TimeSpan.FromMinutes(10) : TimeSpan.FromSeconds(20) + TimeSpan.FromMilliseconds(0.5 * jobs), Released: options.Smoke);
    }

    public static async Task<DispatchWarmUp> DeliverAsync(NpgsqlDataSource db, ServiceProcess worker, Plan plan)
    {
        // What the warm-up left behind (deleted jobs, the notifications' old versions) is vacuumed before the timed jobs
        // fall due, as the cold round's tables are before its worker starts.
        var (delivered, settle) = await SettleAsync(db, worker, plan, () => QueueWatch.CountQueuedUnitsAsync(db, dueOnly: true), "jobs, notifications", "dispatch");
        var sent = await QueueWatch.CountSandboxSentAsync(db);
        Progress.Show($"dispatch: warm-up done; the timed jobs {plan.TimedStart}");
        return new DispatchWarmUp(plan.Notifications, delivered, settle, sent);
    }

    /// <summary>
    /// The part of a warm round every worker phase shares: waits until <paramref name="countDue"/> reads 0 (the warm-up
    /// delivered; the timed work is still held), then until the worker's JIT is idle, then vacuums <paramref name="tables"/>.
    /// </summary>
    /// <returns>How long the warm-up took to deliver, and the JIT to settle after it.</returns>
    public static async Task<(TimeSpan Delivered, TimeSpan Settle)> SettleAsync(NpgsqlDataSource db, ServiceProcess worker, Plan plan,
        Func<Task<long>> countDue, string tables, string label)
    {
        var clock = Stopwatch.StartNew();
        for (long due; (due = await countDue()) > 0; await Task.Delay(100))
        {
            if (clock.Elapsed > plan.Hold) throw new TimeoutException($"{label}: the warm-up left {due:N0} after {plan.Hold.TotalSeconds:0} s");
            Progress.Show($"{label}: warm-up, {plan.Notifications - due:N0}/{plan.Notifications:N0} delivered (not timed)");
        }
        var delivered = clock.Elapsed;
        Progress.Show($"{label}: warm-up delivered; waiting for the worker's JIT to go idle");
        var settle = await worker.WaitJitSettledAsync(plan.JitSettleTimeout);
        await using (var vacuum = db.CreateCommand($"vacuum analyze {tables}")) await vacuum.ExecuteNonQueryAsync();
        return (delivered, settle);
    }

    /// <summary>With a <see cref="Plan.Released"/> plan, once the phase has checked its warm-up: the held jobs due now, and
    /// their queues woken as a commit would wake them (the worker's planned claim for them is minutes away). No job of these
    /// phases' services is due later than a minute but the held ones.</summary>
    public static async Task ReleaseHeldAsync(NpgsqlDataSource db, Plan plan)
    {
        if (!plan.Released) return;
        await using var release = db.CreateCommand($"""
            with held as (update jobs set run_at = now() where run_at > now() + interval '1 minute' returning queue)
            select pg_notify('{NotificationService.Queue.JobQueue.NotifyChannel}', queue) from (select distinct queue from held) q
            """);
        await release.ExecuteNonQueryAsync();
    }
}
