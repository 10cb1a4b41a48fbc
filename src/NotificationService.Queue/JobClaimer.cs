using Npgsql;

namespace NotificationService.Queue;

/// <summary>
/// Claims a batch fairly. A loose index scan finds the tenants with due jobs (one index probe each,
/// starting after the tenant where the previous claim stopped, so a large number of tenants rotate);
/// each tenant offers its best jobs (priority, then due time) locked with SKIP LOCKED; the batch takes
/// high before normal before low, and within a priority one job per tenant in turn. So one tenant's
/// million-row import never sits in front of another tenant's password reset. The batch size counts units (see
/// <see cref="NewJob.Units"/>). Suspects (jobs that were in flight when a worker died: <c>crashes</c> &gt; 0) are never in
/// a batch: a claim asked for one takes the oldest due suspect besides the batch, for the worker to run on its own.
/// </summary>
internal sealed class JobClaimer(NpgsqlDataSource db, QueueProcessorOptions options)
{
    // "Due" is `run_at <= (select now())`, not `<= now()`: the statement is prepared, and a generic plan estimated `now()`
    // when it was made. Made while every ready job was in the future (a schedule, a quiet-hours hold, a backoff), it
    // believed nothing due and walked the (queue, run_at) index over every due job and sorted them, on every claim once
    // they fell due: 35-41 ms a claim of 100 among 50,000 against 2 ms (BENCHMARKS.md, "A claim planned while nothing was due").
    // A sub-select is not estimated from the clock, so every plan walks the fair index (ClaimPlanTests).
    internal const string Sql = """
        with recursive tenants(tenant_id) as (
            (select tenant_id from jobs where queue = $1 and state = 'ready' and run_at <= (select now()) and tenant_id > $4
             order by tenant_id limit 1)
            union all
            select (select j.tenant_id from jobs j
                    where j.queue = $1 and j.state = 'ready' and j.run_at <= (select now()) and j.tenant_id > t.tenant_id
                    order by j.tenant_id limit 1)
            from tenants t where t.tenant_id is not null
        ),
        visited as materialized (select tenant_id from tenants where tenant_id is not null limit $3),
        -- Each tenant offers up to 4x its fair share (capped at the batch), so a batch still fills when few
        -- tenants have work, while many busy tenants do not lock tenants x batch rows per claim. The share counts
        -- jobs: a tenant whose jobs are groups locks more rows than it is given (released when the claim commits).
        -- Measured on 40,000 groups of 25: no slower per claim than first probing the size of the tenant's next job
        -- to offer fewer, and that probe made every claim of single jobs ~15 % slower.
        share as (select least($2, 4 * ceil($2::numeric / greatest(count(*), 1)))::int as per_tenant from visited),
        offered as (
            select c.id, c.priority, c.tenant_id, c.units,
                   row_number() over (partition by c.tenant_id order by c.priority, c.run_at, c.id) as turn
            from visited v
            cross join lateral (
                select j.id, j.priority, j.run_at, j.tenant_id, j.units from jobs j
                where j.queue = $1 and j.state = 'ready' and j.tenant_id = v.tenant_id and j.run_at <= (select now()) and j.priority <= $7
                  and j.crashes = 0
                order by j.priority, j.run_at, j.id
                limit (select per_tenant from share)
                for update skip locked
            ) c
        ),
        -- The batch is filled by units, not jobs: jobs are taken in turn while the units before them are under the
        -- batch size, so a batch of groups holds about as many notifications as a batch of single sends.
        ordered as (select id, units, row_number() over (order by priority, turn, tenant_id) as ord,
                           sum(units) over (order by priority, turn, tenant_id rows unbounded preceding) as through
                    from offered),
        -- (The limit never cuts: each job is at least one unit, so at most $2 jobs pass. It tells the planner the
        -- batch is small, without which it joins the update to a sequential scan of jobs.)
        picked as (select id, ord from ordered where through - units < $2 limit $2),
        -- $8: the worker's suspect slot is free. The oldest due suspect of the queue, whatever its tenant or priority: after a
        -- crash, suspects are few and each must run once alone before any is blamed again (see CrashPolicy).
        suspect as (select j.id, 0::bigint as ord from jobs j
                    where $8 and j.queue = $1 and j.state = 'ready' and j.crashes > 0 and j.run_at <= (select now())
                    order by j.run_at, j.id limit 1
                    for update skip locked),
        chosen as (select id, ord from picked union all select id, ord from suspect)
        update jobs j set state = 'running', attempt = j.attempt + 1, locked_by = $5,
                          locked_until = now() + $6 * interval '1 millisecond', updated_at = now()
        from chosen where j.id = chosen.id
        returning j.id, j.queue, j.kind, j.tenant_id, j.args::text, j.priority, j.attempt, j.max_attempts, j.created_at,
                  (select count(*) from visited), chosen.ord, j.trace_parent, j.units, j.crashes
        """;

    // The claim is prepared, and a connection keeps the generic plan it made, until the next vacuum or analyze of jobs, on
    // the statistics of that moment. A churning queue just vacuumed counts a handful of live jobs, and on that count a
    // bitmap or sequential scan costs the same as walking the fair index: 589 of 964 slow claims in one benchmark run
    // went through a bitmap scan that visits every due entry, dead ones too, and sorts them (1.4-3.0 ms and 233-294
    // buffers a claim against 0.22-0.33 ms and 37-55; docs/decisions/postgres-job-queue.md). Sent in the same batch, so
    // in the same implicit transaction and round trip, these settings leave the planner only the ordered index scans the
    // claim is written for; they end with the claim's transaction (is_local). ClaimPlanTests.
    internal const string PlannerSettings =
        "select set_config('enable_bitmapscan', 'off', true), set_config('enable_seqscan', 'off', true)";

    // A queue whose handler commits synchronously before anything it does leaves the database (a delivery handler's
    // `sending`: QueueProcessorOptions.ClaimsWithoutFlush) claims without waiting for the claim's WAL to reach disk: that
    // later commit flushes the claim with it (the WAL is flushed in order), so a claim lost in a PostgreSQL crash was never
    // acted on, and its jobs are simply ready again. The wait was one of the three commits' flushes between accept and the
    // provider call (docs/decisions/claims-without-flush.md).
    internal const string UnflushedClaimSettings = PlannerSettings + ", set_config('synchronous_commit', 'off', true)";

    /// <summary>What the claim's transaction sets before it claims from <paramref name="queue"/>.</summary>
    internal string SettingsFor(string queue) =>
        options.ClaimsWithoutFlush.Contains(queue) ? UnflushedClaimSettings : PlannerSettings;

    /// <summary>The tenant after which the next claim starts (round robin across claims).</summary>
    internal Guid Cursor { get => _cursor; set => _cursor = value; }
    private Guid _cursor = Guid.Empty;

    /// <summary>Whether the last claim filled a whole batch (so more is probably ready).</summary>
    internal bool LastWasFull { get; private set; }

    /// <param name="withSuspect">Also take one suspect (a job with crashes), returned besides the batch with its
    /// <see cref="Job.Crashes"/> above 0, for the caller to run alone.</param>
    public async Task<IReadOnlyList<Job>> ClaimAsync(string queue, CancellationToken ct, JobPriority lowest = JobPriority.Low,
        bool withSuspect = false)
    {
        var batchSize = options.BatchSizeOf(queue);
        var (jobs, visited, units) = await ClaimOnceAsync(queue, _cursor, lowest, withSuspect, batchSize, ct);
        if (jobs.Count == 0 && _cursor != Guid.Empty)
            (jobs, visited, units) = await ClaimOnceAsync(queue, Guid.Empty, lowest, withSuspect, batchSize, ct); // wrap around
        // Round robin beyond MaxTenantsPerClaim: the next claim starts after the last tenant served.
        _cursor = visited >= options.MaxTenantsPerClaim && jobs.Any(j => j.Crashes == 0)
            ? jobs.Where(j => j.Crashes == 0).Max(j => j.TenantId) : Guid.Empty;
        LastWasFull = units >= batchSize;
        return jobs;
    }

    /// <summary>The next due suspect of the queue and nothing else (a batch of 0): the suspect lane takes its next job
    /// straight after the last instead of waiting for the queue's next batch claim.</summary>
    public async Task<Job?> ClaimSuspectAsync(string queue, CancellationToken ct) =>
        (await ClaimOnceAsync(queue, Guid.Empty, JobPriority.Low, withSuspect: true, batchSize: 0, ct)).Jobs.FirstOrDefault();

    private async Task<(List<Job> Jobs, long Visited, long Units)> ClaimOnceAsync(string queue, Guid cursor, JobPriority lowest,
        bool withSuspect, int batchSize, CancellationToken ct)
    {
        await using var batch = db.CreateBatch();
        batch.BatchCommands.Add(new NpgsqlBatchCommand(SettingsFor(queue)));
        var cmd = new NpgsqlBatchCommand(Sql);
        batch.BatchCommands.Add(cmd);
        cmd.Parameters.AddWithValue(queue);
        cmd.Parameters.AddWithValue(batchSize);
        cmd.Parameters.AddWithValue(options.MaxTenantsPerClaim);
        cmd.Parameters.AddWithValue(cursor);
        cmd.Parameters.AddWithValue(options.WorkerId);
        cmd.Parameters.AddWithValue(options.Lease.TotalMilliseconds);
        cmd.Parameters.AddWithValue((short)lowest);
        cmd.Parameters.AddWithValue(withSuspect);
        var jobs = new List<(Job Job, long Ord)>(batchSize + 1);
        long visited = 0, units = 0;
        await using var r = await batch.ExecuteReaderAsync(ct);
        await r.NextResultAsync(ct);   // past the settings' row
        while (await r.ReadAsync(ct))
        {
            jobs.Add((new Job(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetGuid(3), r.GetString(4), (JobPriority)r.GetInt16(5),
                r.GetInt32(6), r.GetInt32(7), r.GetFieldValue<DateTimeOffset>(8), r.IsDBNull(11) ? null : r.GetString(11),
                r.GetInt32(13)), r.GetInt64(10)));
            visited = r.GetInt64(9);
            if (r.GetInt32(13) == 0) units += r.GetInt32(12);   // a suspect is not part of the batch
        }
        // RETURNING does not keep the picked order: restore it (priority lanes, then tenants in turn).
        return (jobs.OrderBy(j => j.Ord).Select(j => j.Job).ToList(), visited, units);
    }

    /// <summary>When the earliest ready job in the queue is due (null: none). Jobs already due count too: a claim
    /// that ran a moment before a scheduled job came due must not then wait a whole poll interval for it.</summary>
    /// <param name="withSuspects">Whether suspects count (the worker's suspect slot is free); a suspect this worker may not
    /// take yet must not make it look again every few milliseconds.</param>
    public async Task<DateTimeOffset?> NextDueAsync(string queue, bool withSuspects, CancellationToken ct)
    {
        // `units > 0` (true of every job) is what lets this read jobs_ready_wake, an index the claim cannot use (030_job_wake_index.sql).
        await using var cmd = db.CreateCommand(
            "select min(run_at) from jobs where queue = $1 and state = 'ready' and units > 0 and ($2 or crashes = 0)");
        cmd.Parameters.AddWithValue(queue);
        cmd.Parameters.AddWithValue(withSuspects);
        return await cmd.ExecuteScalarAsync(ct) is DateTime d ? new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)) : null;
    }
}
