using System.Collections.Concurrent;
using System.Diagnostics;
using Npgsql;

namespace NotificationService.Bench.Service;

public sealed record LoadResult(long Accepted, long Errors, TimeSpan Elapsed, Percentiles LatencyMs, IReadOnlyList<Guid> Ids, double OfferedPerSec)
{
    /// <summary>The window's cost per accepted send, when the caller asked for it.</summary>
    public Costs.UnitCost? Cost { get; init; }

    /// <summary>Open loop: latencies of the unrecorded lead-in at the same rate, when the caller asked for one.</summary>
    public Percentiles? LeadInLatencyMs { get; init; }

    public double AcceptedPerSec => Accepted / Elapsed.TotalSeconds;
}

/// <summary>
/// Accept load over HTTP: closed loop (N clients, each sends as soon as its last send returned) for the peak
/// accept rate, and open loop (sends start on a fixed schedule whatever the answers do) for latency at a
/// given rate. Open-loop latency is measured from the scheduled start, so a stall is not hidden by the
/// generator waiting for it (no coordinated omission).
/// </summary>
public static class AcceptLoad
{
    /// <param name="cost">Where to measure the window's cost per accepted send (<see cref="Costs.UnitMeter"/>), and under which phase name.</param>
    public static async Task<LoadResult> ClosedLoopAsync(Uri baseAddress, int clients, TimeSpan duration, string label, byte[]? body = null,
        (NpgsqlDataSource Db, string Phase)? cost = null)
    {
        using var client = new SendClient(baseAddress, clients, body);
        await WarmUpAsync(client, clients);
        var meter = cost is { } c ? await Costs.UnitMeter.StartAsync(c.Db, c.Phase) : null;
        var latencies = new ConcurrentBag<double>();
        var ids = new ConcurrentQueue<Guid>();
        long errors = 0;
        var sw = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            var local = new List<double>();
            while (sw.Elapsed < duration)
            {
                var start = Stopwatch.GetTimestamp();
                var id = await client.SendAsync();
                local.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                if (id is { } g) ids.Enqueue(g); else Interlocked.Increment(ref errors);
            }
            foreach (var l in local) latencies.Add(l);
        })).ToArray();
        var all = Task.WhenAll(workers);
        while (await Task.WhenAny(all, Task.Delay(250)) != all)
            Progress.Show($"{label}: {ids.Count:N0} accepted, {Interlocked.Read(ref errors):N0} errors ({sw.Elapsed.TotalSeconds:0}/{duration.TotalSeconds:0} s)");
        await all;
        sw.Stop();
        var measured = meter is null ? null : await meter.StopAsync(ids.Count, "accepted send");
        if (ids.IsEmpty) throw new InvalidOperationException($"no send was accepted: {await client.DescribeFailureAsync()}");
        return new LoadResult(ids.Count, errors, sw.Elapsed, new Percentiles(latencies), ids.ToArray(), double.NaN) { Cost = measured };
    }

    /// <param name="leadIn">Sends at the same rate, straight before the measured ones and not in its figures (reported
    /// apart): the step from idle to the rate (the pools of both sides growing to it) is not the steady state.</param>
    public static async Task<LoadResult> OpenLoopAsync(Uri baseAddress, double ratePerSec, TimeSpan duration, string label, TimeSpan leadIn = default)
    {
        using var client = new SendClient(baseAddress, 512);
        await WarmUpAsync(client, 32);
        var skip = (int)Math.Round(ratePerSec * leadIn.TotalSeconds);
        var total = skip + (int)Math.Round(ratePerSec * duration.TotalSeconds);
        var latencies = new double[total];
        var results = new Guid?[total];
        var inflight = new List<Task>(total);
        long done = 0;
        var origin = Stopwatch.GetTimestamp();
        var ticksPerSend = Stopwatch.Frequency / ratePerSec;

        for (var i = 0; i < total; i++)
        {
            var due = origin + (long)(i * ticksPerSend);
            await OpenLoopPace.UntilAsync(due);
            var index = i;
            inflight.Add(Task.Run(async () =>
            {
                results[index] = await client.SendAsync();
                latencies[index] = (Stopwatch.GetTimestamp() - due) * 1000.0 / Stopwatch.Frequency;
                Interlocked.Increment(ref done);
            }));
            if (i % 200 == 0)
                Progress.Show($"{label}: {i:N0}/{total:N0} scheduled, {Interlocked.Read(ref done):N0} answered");
        }
        var all = Task.WhenAll(inflight);
        while (await Task.WhenAny(all, Task.Delay(250)) != all)
            Progress.Show($"{label}: {total:N0}/{total:N0} scheduled, {Interlocked.Read(ref done):N0} answered");
        var elapsed = Stopwatch.GetElapsedTime(origin) - TimeSpan.FromSeconds(skip / ratePerSec);
        var ids = results.Skip(skip).Where(r => r is not null).Select(r => r!.Value).ToArray();
        return new LoadResult(ids.Length, total - skip - ids.Length, elapsed, new Percentiles(latencies.Skip(skip)), ids, ratePerSec)
        {
            LeadInLatencyMs = skip > 0 ? new Percentiles(latencies.Take(skip)) : null,
        };
    }

    /// <summary>Opens the connections and JITs both sides before anything is timed.</summary>
    private static async Task WarmUpAsync(SendClient client, int parallel)
    {
        for (var round = 0; round < 5; round++)
            await Task.WhenAll(Enumerable.Range(0, parallel).Select(_ => client.SendAsync()));
    }
}
