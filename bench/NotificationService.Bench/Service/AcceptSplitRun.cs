using Npgsql;
using NotificationService.Bench.Costs;

namespace NotificationService.Bench.Service;

/// <summary>Accept alone and delivery alone, each with its CPU per send; and what they predict for one Mode=all process.</summary>
/// <param name="WarmedOn">Sends the worker delivered before the measured ones (every warm-up window's).</param>
/// <param name="JitDuring">CPU the worker's tiered-compilation thread used while it delivered the measured sends.</param>
public sealed record AcceptSplitResult(LoadResult WarmUp, LoadResult Accept, UnitCost AcceptCost, UnitCost DeliverCost, int Cores,
    long WarmedOn, TimeSpan JitDuring)
{
    /// <summary>CPU one send costs the host end to end: accepting it (service, PostgreSQL, and the bench's load generator,
    /// which shares the cores) plus delivering it (worker and PostgreSQL).</summary>
    public double MicrosPerSend => AcceptCost.ServiceMicros + AcceptCost.PostgresMicros + AcceptCost.BenchMicros
                                   + DeliverCost.ServiceMicros + DeliverCost.PostgresMicros;

    /// <summary>Sends a second the host's cores could accept and deliver if nothing but this CPU were spent.</summary>
    public double PredictedPerSec => Cores * 1_000_000 / MicrosPerSend;
}

/// <summary>
/// A Mode=api process accepts sends closed loop (an unrecorded warm-up of the same length first, reported apart, then the
/// measured window once its JIT has settled); a Mode=worker process then delivers them: the warm-up's sends first, while
/// the measured window's are held (due in an hour), then, once the worker's JIT is idle too, the held ones, measured. The
/// CPU of each, per send, predicts the rate one Mode=all process should reach on these cores; the accept phase's Mode=all
/// figures are reported against it. Unheld, the measured sends followed the warm-up's at once, while the worker's tiered
/// JIT still compiled: their worker CPU read 22.9–32.5 µs per delivery over five runs, where dispatch's, warm, read 16–19.
/// The api warms up until its rate levels off (<see cref="MaxWarmUpWindows"/>), so that the worker's warm-up is more
/// sends than the measured window, in groups as large: after one window (a cold api's, about a third of the measured
/// sends, in smaller groups) the JIT went idle and then compiled again through the measured delivery (perf: libclrjit
/// 27 % of the worker's samples), and the worker's CPU per delivery read 54.7–84.5 µs over five runs, falling run by run,
/// against dispatch's 36.2–43.4; after two windows, 33.7–47.3, highest where the two held fewer than the measured one.
/// </summary>
public static class AcceptSplitRun
{
    /// <summary>Warm-up windows at most: more while a window accepts over a tenth more than the one before it.</summary>
    private const int MaxWarmUpWindows = 4;

    public static async Task<AcceptSplitResult> MeasureAsync(string dll, string cs, TimeSpan window, TimeSpan jitSettle)
    {
        await using var db = NpgsqlDataSource.Create(cs);
        LoadResult warm, accept;
        long warmedOn;
        UnitCost acceptCost;
        await using (var api = await ServiceProcess.StartAsync(dll, cs, "api"))
        {
            warm = await AcceptLoad.ClosedLoopAsync(api.BaseAddress, BenchOptions.AcceptClients, window,
                "accept, Mode=api: warm-up (not in the figure)");
            warmedOn = warm.Accepted;
            for (var (n, last) = (2, warm.Accepted); n <= MaxWarmUpWindows; n++)
            {
                var next = await AcceptLoad.ClosedLoopAsync(api.BaseAddress, BenchOptions.AcceptClients, window,
                    $"accept, Mode=api: warm-up {n} (not in the figure)");
                warmedOn += next.Accepted;
                if (next.Accepted <= 1.1 * last) break;
                last = next.Accepted;
            }
            await api.WaitJitSettledAsync(jitSettle);
            accept = await AcceptLoad.ClosedLoopAsync(api.BaseAddress, BenchOptions.AcceptClients, window, "accept, Mode=api",
                cost: (db, "accept alone (Mode=api, after a warm-up)"));
            acceptCost = accept.Cost!;
        }

        var hold = new DispatchWarmUp.Plan((int)Math.Max(1, warmedOn), jitSettle, TimeSpan.FromMinutes(10), Released: true);
        await HoldAsync(db, accept.Ids);
        await using var worker = await ServiceProcess.StartAsync(dll, cs, "worker");
        await DispatchWarmUp.SettleAsync(db, worker, hold, () => QueueWatch.CountQueuedUnitsAsync(db, dueOnly: true), "jobs, notifications",
            "accept split");
        var units = await QueueWatch.CountQueuedUnitsAsync(db);
        var meter = await UnitMeter.StartAsync(db, "delivery of those sends (Mode=worker, warm)");
        var jitBefore = worker.JitCpuTime();
        await DispatchWarmUp.ReleaseHeldAsync(db, hold);
        await QueueWatch.WaitDrainedAsync(db, TimeSpan.FromMinutes(10), "accept split: delivering the measured sends");
        var deliverCost = await meter.StopAsync(units, "delivered notification");
        return new AcceptSplitResult(warm, accept, acceptCost, deliverCost, Environment.ProcessorCount, warmedOn,
            worker.JitCpuTime() - jitBefore);
    }

    /// <summary>The measured window's delivery jobs due in an hour, so the worker delivers the warm-up's first and alone.</summary>
    private static async Task HoldAsync(NpgsqlDataSource db, IReadOnlyList<Guid> ids)
    {
        await using var cmd = db.CreateCommand("""
            update jobs set run_at = now() + interval '1 hour'
            where id in (select job_id from notifications where id = any($1))
            """);
        cmd.Parameters.AddWithValue(ids.ToArray());
        await cmd.ExecuteNonQueryAsync();
    }
}
