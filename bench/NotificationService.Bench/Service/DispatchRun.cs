using System.Diagnostics;
using Npgsql;

namespace NotificationService.Bench.Service;

/// <param name="LaunchToFirstCompletion">From the worker's launch to the first completion (after a warm-up: from the start of the watch, just before the held jobs fall due).</param>
/// <param name="WarmUp">The warm-up the worker delivered before the timed jobs were released (null: none, a cold worker was timed).</param>
public sealed record DispatchResult(int Jobs, TimeSpan DrainTime, TimeSpan LaunchToFirstCompletion, double RssMiB, long Dead, bool Drained, int SandboxMessages, TimeSpan FirstHalfTime,
    WriteProfile? Writes = null, double WorkerMicrosPerMessage = 0, double PostgresMicrosPerMessage = 0, DispatchWarmUp? WarmUp = null)
{
    /// <summary>CPU the worker's tiered JIT used between the first completion and the empty queue.</summary>
    public TimeSpan JitDuring { get; init; }
    /// <summary>What the worker logged at error and warning level by the end of the drain (warm-up included).</summary>
    public (int Errors, int Warnings, string? FirstError) WorkerLogged { get; init; }

    public double JobsPerSec => Jobs / DrainTime.TotalSeconds;
    /// <summary>Rates over the first and second half of the jobs: a claim whose cost grows with queue depth shows here.</summary>
    public double FirstHalfPerSec => Jobs / 2.0 / FirstHalfTime.TotalSeconds;
    public double SecondHalfPerSec => Jobs / 2.0 / (DrainTime - FirstHalfTime).TotalSeconds;
}

/// <summary>
/// Dispatch rate: a Mode=api process accepts one real send (so the rows are the service's own), the
/// harness clones it set-based into N queued notifications with their history and delivery jobs (exactly
/// what NotificationWriter writes, minus the HTTP; each job with a trace of its own, as each accepted request's job
/// carries one), then a Mode=worker process drains the queue.
/// The clock runs from the first completed job to an empty `jobs` table. With a warm-up (<see cref="DispatchWarmUp"/>)
/// the timed jobs wait, held, while the worker delivers the warm-up and its JIT settles; otherwise a cold worker is timed.
/// </summary>
public static class DispatchRun
{
    /// <param name="users">Spread the copies over this many people, u0 … u{users-1} (0: every copy keeps the sample's recipient).</param>
    /// <param name="byAddress">Name each person by their email address (u{k}@example.com) rather than by userId.</param>
    /// <param name="prepare">Runs after the copies are queued, before the worker starts (e.g. stores preferences).</param>
    /// <param name="label">The phase name its cost per notification is reported under.</param>
    /// <param name="sampleBody">The send that is accepted and cloned (the small inline email of <see cref="SendClient"/> if null).</param>
    /// <param name="warmUp">What the worker delivers, untimed, before the timed <paramref name="jobs"/> (null: none, a cold worker is timed).</param>
    public static async Task<DispatchResult> MeasureAsync(string dll, string connectionString, int jobs, int users = 0,
        Func<NpgsqlDataSource, Guid, Task>? prepare = null, string label = "dispatch (Mode=worker, sandbox email)", byte[]? sampleBody = null, bool byAddress = false,
        DispatchWarmUp.Plan? warmUp = null)
    {
        await using var db = NpgsqlDataSource.Create(connectionString);

        Progress.Show("dispatch: starting the service in Mode=api");
        await using (var api = await ServiceProcess.StartAsync(dll, connectionString, "api"))
        {
            using var client = new SendClient(api.BaseAddress, 1, sampleBody);
            var sample = await client.SendAsync() ?? throw new InvalidOperationException($"sample send failed: {await client.DescribeFailureAsync()}");
            Progress.Show($"dispatch: enqueuing {jobs + (warmUp?.Notifications ?? 0):N0} sandbox-email notifications");
            // The sample's own job is the warm-up's first when there is one, else the timed set's.
            if (warmUp is not null) await CloneAsync(db, sample, warmUp.Notifications - 1, users, byAddress);
            await CloneAsync(db, sample, warmUp is null ? jobs - 1 : jobs, users, byAddress, dueAt: warmUp?.DueAt());
            if (prepare is not null) await prepare(db, sample);
        }
        var queued = await QueueWatch.CountQueuedUnitsAsync(db);
        if (queued != jobs + (warmUp?.Notifications ?? 0)) throw new InvalidOperationException($"expected {jobs + (warmUp?.Notifications ?? 0)} queued jobs, found {queued}");
        foreach (var table in new[] { "jobs", "notifications", "notification_events" })
        {
            await using var vacuum = db.CreateCommand($"vacuum analyze {table}");
            await vacuum.ExecuteNonQueryAsync();
        }

        // A cold round watches from the worker's launch (it claims as soon as its host starts, before /health/ready
        // answers); a warm one from just before the held jobs fall due, once the warm-up is delivered and the JIT is idle.
        var tablesBefore = warmUp is not null ? null : await WriteProfile.StartAsync(db);
        Progress.Show("dispatch: starting the service in Mode=worker");
        var clock = Stopwatch.StartNew();
        TimeSpan? first = null, half = null, last = null;
        ServiceProcess? current = null;
        CpuMeter? meter = null;
        (CpuSample Cpu, long Left)? cpuAtFirst = null;
        Costs.UnitMeter? unitMeter = null;
        CpuSample? cpuAtLast = null;
        TimeSpan jitAtFirst = default, jitAtLast = default;
        using var stop = new CancellationTokenSource();
        Task Watch() => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested && clock.Elapsed < TimeSpan.FromMinutes(10))
            {
                var left = await QueueWatch.CountQueuedUnitsAsync(db);
                var now = clock.Elapsed;
                var jit = current?.JitCpuTime() ?? default;
                if (left < jobs && first is null) (first, jitAtFirst) = (now, jit);
                if (left < jobs && cpuAtFirst is null && meter is { } m)
                {
                    // The units are what is left once the meter has read its counters, not before: counted before, the
                    // deliveries made while it read them (four queries) were units without their work, and a 1.1 s drain
                    // read 1,247 WAL bytes per delivery where the 4.4 s drain before it read 2,150.
                    unitMeter = await Costs.UnitMeter.StartAsync(db, label);
                    var cpu = m.Sample();
                    cpuAtFirst = (cpu, await QueueWatch.CountQueuedUnitsAsync(db));
                }
                if (left <= jobs / 2 && half is null) half = now;
                var rssText = current is { } w ? $", worker RSS {w.RssMiB():0} MiB" : "";
                Progress.Show($"dispatch: {jobs - left:N0}/{jobs:N0} delivered ({now.TotalSeconds:0.0} s{rssText})");
                if (left == 0)
                {
                    (last, cpuAtLast, jitAtLast) = (now, meter?.Sample(), jit);
                    if (unitMeter is not null && cpuAtFirst is { } started) await unitMeter.StopAsync(started.Left, "delivered notification");
                    return;
                }
                // Every 50 ms at both ends, where the clock starts and stops, and every 250 ms between: the count scans
                // `jobs`, whose claimed and deleted rows it reads until pruned, and perf put this backend at 19 % of
                // PostgreSQL's samples during a warm drain polled every 50 ms throughout (counted in its CPU per delivery).
                await Task.Delay(first is null || left < jobs / 10 ? 50 : 250);
            }
        });
        var watcher = warmUp is not null ? null : Watch();
        ServiceProcess worker;
        try { worker = await ServiceProcess.StartAsync(dll, connectionString, "worker"); }
        catch { stop.Cancel(); throw; }
        await using var _ = worker;
        var ready = clock.Elapsed;
        meter = await CpuMeter.ForAsync(worker.Pid, db);
        current = worker;
        DispatchWarmUp? warm = null;
        if (warmUp is not null)
        {
            warm = await DispatchWarmUp.DeliverAsync(db, worker, warmUp);
            tablesBefore = await WriteProfile.StartAsync(db);
            if (await QueueWatch.CountQueuedUnitsAsync(db) != jobs)
                throw new InvalidOperationException($"dispatch: the held jobs fell due before the warm-up ended; hold them longer than {warmUp.Hold.TotalSeconds:0} s");
            clock.Restart();
            ready = TimeSpan.Zero;
            watcher = Watch();
            await DispatchWarmUp.ReleaseHeldAsync(db, warmUp);
        }
        await watcher!;
        var drained = last is not null;
        var firstDone = first ?? ready;
        var drain = (last ?? clock.Elapsed) - firstDone;
        await Task.Delay(Waits.Seconds(1)); // let the worker settle after the last batch before reading its memory
        var rss = worker.RssMiB();
        var dead = await QueueWatch.CountDeadAsync(db);
        var sent = await QueueWatch.CountSandboxSentAsync(db) - (warm?.Sent ?? 0);
        var firstHalf = (half ?? clock.Elapsed) - firstDone;
        var writes = await WriteProfile.StopAsync(db, tablesBefore!);
        // CPU per message over the measured stretch (first completion → empty queue), so start-up is not in it.
        double workerUs = 0, postgresUs = 0;
        if (cpuAtFirst is { } a && cpuAtLast is { } b && a.Left > 0)
        {
            workerUs = (b.Worker - a.Cpu.Worker).TotalMicroseconds / a.Left;
            postgresUs = (b.Postgres - a.Cpu.Postgres).TotalMicroseconds / a.Left;
        }
        return new DispatchResult(jobs, drain, firstDone, rss, dead, drained, sent, firstHalf, writes, workerUs, postgresUs, warm)
        {
            JitDuring = jitAtLast - jitAtFirst,
            WorkerLogged = worker.Logged(),
        };
    }

    /// <summary>
    /// Copies the sample's notification and its job, set-based, as the accept path writes them: one job per notification
    /// (as sends that arrive one at a time get), with time-ordered (UUIDv7) ids like the service's own, so the indexes
    /// see the inserts and look-ups they see in production rather than random ones.
    /// </summary>
    /// <param name="dueAt">When the copies' jobs fall due (null: now); the worker leaves them until then.</param>
    private static async Task CloneAsync(NpgsqlDataSource db, Guid sample, int copies, int users, bool byAddress, DateTimeOffset? dueAt = null)
    {
        const int chunk = 20_000;
        for (var done = 0; done < copies; done += chunk)
        {
            var n = Math.Min(chunk, copies - done);
            await using var cmd = db.CreateCommand("""
                with src as (
                    select n.*, j.queue, j.kind, j.max_attempts from notifications n join jobs j on j.id = n.job_id where n.id = $1
                ), ids as (
                    select id from unnest($2::uuid[]) as u(id)
                ), j as (
                    insert into jobs (queue, kind, tenant_id, args, priority, max_attempts, run_at, trace_parent)
                    select src.queue, src.kind, src.tenant_id, jsonb_build_object('n', ids.id), src.priority, src.max_attempts,
                           coalesce($5, now()),
                           '00-' || md5(ids.id::text) || '-' || left(md5(ids.id::text || 'span'), 16) || '-01'
                    from ids cross join src
                    returning id, (args->>'n')::uuid as nid
                )
                insert into notifications (id, tenant_id, channel, status, priority, recipient, template_key, template_version_id,
                                           locale, content, data, category, metadata, job_id)
                select j.nid, src.tenant_id, src.channel, 'queued', src.priority,
                       case when $3 = 0 then src.recipient
                            when $4 then jsonb_set(src.recipient, '{email}', to_jsonb('u' || (abs(hashtext(j.nid::text)) % $3) || '@example.com'))
                            else jsonb_set(src.recipient, '{userId}', to_jsonb('u' || (abs(hashtext(j.nid::text)) % $3))) end,
                       src.template_key, src.template_version_id,
                       src.locale, src.content, src.data, src.category, src.metadata, j.id
                from j cross join src
                """);
            cmd.Parameters.AddWithValue(sample);
            cmd.Parameters.AddWithValue(Enumerable.Range(0, n).Select(_ => Guid.CreateVersion7()).ToArray());
            cmd.Parameters.AddWithValue(users);
            cmd.Parameters.AddWithValue(byAddress);
            cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.TimestampTz, (object?)dueAt ?? DBNull.Value);
            cmd.CommandTimeout = 300;
            await cmd.ExecuteNonQueryAsync();
            Progress.Show($"dispatch: enqueued {done + n + 1:N0}/{copies + 1:N0}");
        }
    }
}
