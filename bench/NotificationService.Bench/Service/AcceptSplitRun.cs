using Npgsql;
using NotificationService.Bench.Costs;

namespace NotificationService.Bench.Service;

/// <summary>Accept alone and delivery alone, each with its CPU per send; and what they predict for one Mode=all process.</summary>
public sealed record AcceptSplitResult(LoadResult WarmUp, LoadResult Accept, UnitCost AcceptCost, UnitCost DeliverCost, int Cores)
{
    /// <summary>CPU one send costs the host end to end: accepting it (service, PostgreSQL, and the bench's load generator,
    /// which shares the cores) plus delivering it (worker and PostgreSQL).</summary>
    public double MicrosPerSend => AcceptCost.ServiceMicros + AcceptCost.PostgresMicros + AcceptCost.BenchMicros
                                   + DeliverCost.ServiceMicros + DeliverCost.PostgresMicros;

    /// <summary>Sends a second the host's cores could accept and deliver if nothing but this CPU were spent.</summary>
    public double PredictedPerSec => Cores * 1_000_000 / MicrosPerSend;
}

/// <summary>
/// Issue 30's second scope item: a Mode=api process accepts sends closed loop (an unrecorded warm-up of the same length
/// first, reported apart, then the measured window once its JIT has settled); a Mode=worker process then delivers them
/// (the warm-up's sends first, which the claim order takes first, so the measured stretch is the measured window's
/// sends, delivered by a warm worker). The CPU of each, per send, predicts the rate one Mode=all process should reach on
/// these cores; the accept phase's Mode=all figures are reported against it.
/// </summary>
public static class AcceptSplitRun
{
    public static async Task<AcceptSplitResult> MeasureAsync(string dll, string cs, TimeSpan window, TimeSpan jitSettle)
    {
        await using var db = NpgsqlDataSource.Create(cs);
        LoadResult warm, accept;
        UnitCost acceptCost;
        await using (var api = await ServiceProcess.StartAsync(dll, cs, "api"))
        {
            warm = await AcceptLoad.ClosedLoopAsync(api.BaseAddress, BenchOptions.AcceptClients, window, "accept, Mode=api: warm-up (not in the figure)");
            await api.WaitJitSettledAsync(jitSettle);
            accept = await AcceptLoad.ClosedLoopAsync(api.BaseAddress, BenchOptions.AcceptClients, window, "accept, Mode=api",
                cost: (db, "accept alone (Mode=api, after a warm-up)"));
            acceptCost = accept.Cost!;
        }

        // The worker claims as soon as its host starts, before /health/ready answers: the queue is watched from its launch.
        var measured = accept.Accepted;
        UnitMeter? meter = null;
        long units = 0;
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var watcher = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var left = await QueueWatch.CountQueuedUnitsAsync(db);
                if (meter is null && left <= measured) (meter, units) = (await UnitMeter.StartAsync(db, "delivery of those sends (Mode=worker, warm)"), left);
                Progress.Show($"accept split: {left:N0} sends left to deliver");
                if (left == 0) return;
                await Task.Delay(20);
            }
        });
        await using var worker = await ServiceProcess.StartAsync(dll, cs, "worker");
        await watcher;
        // (At smoke sizes the drain can end between two looks: the cost is then n/a, the rates still stand.)
        meter ??= await UnitMeter.StartAsync(db, "delivery of those sends (Mode=worker, warm)");
        var deliverCost = await meter.StopAsync(units, "delivered notification");
        return new AcceptSplitResult(warm, accept, acceptCost, deliverCost, Environment.ProcessorCount);
    }
}
