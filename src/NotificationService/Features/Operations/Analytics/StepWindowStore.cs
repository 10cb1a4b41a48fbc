using Npgsql;
using NotificationService.Contracts;

namespace NotificationService.Features.Operations.Analytics;

/// <summary>A digest step's events over a range: those absorbed into its windows (less those a cancel took back out) and the
/// messages saved, the runs that ended `digested` because another run's message carried their event.</summary>
public sealed record AnalyticsDigest(string Workflow, string Step, long Absorbed, long MessagesSaved);

/// <summary>A throttle step's runs over a range: let through, held back (ended throttled or delayed), and the messages saved,
/// the runs it ended `throttled`.</summary>
public sealed record AnalyticsThrottle(string Workflow, string Step, long Passed, long HeldBack, long MessagesSaved);

/// <summary>The owner of `analytics_step_windows_hourly`.</summary>
public sealed class StepWindowStore(NpgsqlDataSource db)
{
    // Sorted like the other rollups' upserts, so two replicas flushing at once never deadlock.
    private const string AddSql = """
        insert into analytics_step_windows_hourly as a (tenant_id, hour, workflow, step_id, measure, count)
        select * from unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::int8[])
        order by 1, 2, 3, 4, 5
        on conflict (tenant_id, hour, workflow, step_id, measure) do update set count = a.count + excluded.count
        """;

    public async Task AddAsync(IReadOnlyDictionary<StepWindowCell, long> counts, CancellationToken ct)
    {
        if (counts.Count == 0) return;
        await using var cmd = db.CreateCommand(AddSql);
        cmd.Parameters.AddWithValue(counts.Keys.Select(c => c.TenantId).ToArray());
        cmd.Parameters.AddWithValue(counts.Keys.Select(c => c.Hour).ToArray());
        cmd.Parameters.AddWithValue(counts.Keys.Select(c => c.Workflow).ToArray());
        cmd.Parameters.AddWithValue(counts.Keys.Select(c => c.StepId).ToArray());
        cmd.Parameters.AddWithValue(counts.Keys.Select(c => c.Measure).ToArray());
        cmd.Parameters.AddWithValue(counts.Values.ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The tenant's digest and throttle steps in [<paramref name="from"/>, <paramref name="to"/>), those that saved
    /// the most first. A step is a digest or a throttle by the measures it counted.</summary>
    public async Task<(List<AnalyticsDigest> Digests, List<AnalyticsThrottle> Throttles)> PerStepAsync(Guid tenantId, DateTimeOffset from,
        DateTimeOffset to, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            select workflow, step_id, measure, sum(count)::int8 from analytics_step_windows_hourly
            where tenant_id = $1 and hour >= $2 and hour < $3
            group by 1, 2, 3
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(from);
        cmd.Parameters.AddWithValue(to);
        var steps = new Dictionary<(string Workflow, string Step), Dictionary<string, long>>();
        await using (var r = await cmd.ExecuteReaderAsync(ct))
            while (await r.ReadAsync(ct))
            {
                var key = (r.GetString(0), r.GetString(1));
                if (!steps.TryGetValue(key, out var measures)) steps[key] = measures = [];
                measures[r.GetString(2)] = r.GetInt64(3);
            }
        List<AnalyticsDigest> digests = [];
        List<AnalyticsThrottle> throttles = [];
        foreach (var ((workflow, step), m) in steps.OrderBy(s => s.Key.Workflow, StringComparer.Ordinal)
            .ThenBy(s => s.Key.Step, StringComparer.Ordinal))
        {
            long N(string measure) => m.GetValueOrDefault(measure);
            if (m.Keys.Any(k => k is StepWindowMeasures.Absorbed or StepWindowMeasures.Left or StepWindowMeasures.Digested))
                digests.Add(new(workflow, step, Math.Max(0, N(StepWindowMeasures.Absorbed) - N(StepWindowMeasures.Left)),
                    N(StepWindowMeasures.Digested)));
            else
                throttles.Add(new(workflow, step, N(StepWindowMeasures.Passed), N(StepWindowMeasures.Held),
                    N(StepWindowMeasures.Throttled)));
        }
        return ([.. digests.OrderByDescending(d => d.MessagesSaved)], [.. throttles.OrderByDescending(t => t.MessagesSaved)]);
    }
}
