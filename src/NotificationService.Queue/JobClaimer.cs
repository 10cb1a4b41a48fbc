using Npgsql;

namespace NotificationService.Queue;

/// <summary>
/// Claims a batch fairly. A loose index scan finds the tenants with due jobs (one index probe each,
/// starting after the tenant where the previous claim stopped, so a large number of tenants rotate);
/// each tenant offers its best jobs (priority, then due time) locked with SKIP LOCKED; the batch takes
/// high before normal before low, and within a priority one job per tenant in turn. So one tenant's
/// million-row import never sits in front of another tenant's password reset. The batch size counts units (see
/// <see cref="NewJob.Units"/>).
/// </summary>
internal sealed class JobClaimer(NpgsqlDataSource db, QueueProcessorOptions options)
{
    private const string Sql = """
        with recursive tenants(tenant_id) as (
            (select tenant_id from jobs where queue = $1 and state = 'ready' and run_at <= now() and tenant_id > $4
             order by tenant_id limit 1)
            union all
            select (select j.tenant_id from jobs j
                    where j.queue = $1 and j.state = 'ready' and j.run_at <= now() and j.tenant_id > t.tenant_id
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
                where j.queue = $1 and j.state = 'ready' and j.tenant_id = v.tenant_id and j.run_at <= now() and j.priority <= $7
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
        picked as (select id, ord from ordered where through - units < $2 limit $2)
        update jobs j set state = 'running', attempt = j.attempt + 1, locked_by = $5,
                          locked_until = now() + $6 * interval '1 millisecond', updated_at = now()
        from picked where j.id = picked.id
        returning j.id, j.queue, j.kind, j.tenant_id, j.args::text, j.priority, j.attempt, j.max_attempts, j.created_at,
                  (select count(*) from visited), picked.ord, j.trace_parent, j.units
        """;

    /// <summary>The tenant after which the next claim starts (round robin across claims).</summary>
    internal Guid Cursor { get => _cursor; set => _cursor = value; }
    private Guid _cursor = Guid.Empty;

    /// <summary>Whether the last claim filled a whole batch (so more is probably ready).</summary>
    internal bool LastWasFull { get; private set; }

    public async Task<IReadOnlyList<Job>> ClaimAsync(string queue, CancellationToken ct, JobPriority lowest = JobPriority.Low)
    {
        var (jobs, visited, units) = await ClaimOnceAsync(queue, _cursor, lowest, ct);
        if (jobs.Count == 0 && _cursor != Guid.Empty) (jobs, visited, units) = await ClaimOnceAsync(queue, Guid.Empty, lowest, ct); // wrap around
        // Round robin beyond MaxTenantsPerClaim: the next claim starts after the last tenant served.
        _cursor = visited >= options.MaxTenantsPerClaim && jobs.Count > 0 ? jobs.Max(j => j.TenantId) : Guid.Empty;
        LastWasFull = units >= options.BatchSize;
        return jobs;
    }

    private async Task<(List<Job> Jobs, long Visited, long Units)> ClaimOnceAsync(string queue, Guid cursor, JobPriority lowest, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(Sql);
        cmd.Parameters.AddWithValue(queue);
        cmd.Parameters.AddWithValue(options.BatchSize);
        cmd.Parameters.AddWithValue(options.MaxTenantsPerClaim);
        cmd.Parameters.AddWithValue(cursor);
        cmd.Parameters.AddWithValue(options.WorkerId);
        cmd.Parameters.AddWithValue(options.Lease.TotalMilliseconds);
        cmd.Parameters.AddWithValue((short)lowest);
        var jobs = new List<(Job Job, long Ord)>(options.BatchSize);
        long visited = 0, units = 0;
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            jobs.Add((new Job(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetGuid(3), r.GetString(4), (JobPriority)r.GetInt16(5),
                r.GetInt32(6), r.GetInt32(7), r.GetFieldValue<DateTimeOffset>(8), r.IsDBNull(11) ? null : r.GetString(11)), r.GetInt64(10)));
            visited = r.GetInt64(9);
            units += r.GetInt32(12);
        }
        // RETURNING does not keep the picked order: restore it (priority lanes, then tenants in turn).
        return (jobs.OrderBy(j => j.Ord).Select(j => j.Job).ToList(), visited, units);
    }

    /// <summary>When the earliest ready job in the queue is due (null: none). Jobs already due count too: a claim
    /// that ran a moment before a scheduled job came due must not then wait a whole poll interval for it.</summary>
    public async Task<DateTimeOffset?> NextDueAsync(string queue, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("select min(run_at) from jobs where queue = $1 and state = 'ready'");
        cmd.Parameters.AddWithValue(queue);
        return await cmd.ExecuteScalarAsync(ct) is DateTime d ? new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)) : null;
    }
}
