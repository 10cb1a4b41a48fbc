using Npgsql;
using NpgsqlTypes;

namespace NotificationService.Features.Operations.Usage;

public sealed record UsageDay(DateOnly Day, string Channel, IReadOnlyDictionary<string, long> Counts);

/// <summary>The owner of `usage_daily`.</summary>
public sealed class UsageStore(NpgsqlDataSource db)
{
    /// <summary>$1–$5: tenant, day, channel, status, count per cell. Adds to what is there, in one statement.</summary>
    private const string AddSql = """
        insert into usage_daily as u (tenant_id, day, channel, status, count)
        select * from unnest($1::uuid[], $2::date[], $3::text[], $4::text[], $5::int8[])
        on conflict (tenant_id, day, channel, status) do update set count = u.count + excluded.count
        """;

    public async Task AddAsync(IReadOnlyDictionary<UsageKey, long> counts, CancellationToken ct)
    {
        if (counts.Count == 0) return;
        // Sorted, so two replicas flushing at once lock the rows they share in the same order (no deadlock).
        var cells = counts.OrderBy(c => c.Key.TenantId).ThenBy(c => c.Key.Day).ThenBy(c => c.Key.Channel, StringComparer.Ordinal)
            .ThenBy(c => c.Key.Status, StringComparer.Ordinal).ToList();
        await using var cmd = db.CreateCommand(AddSql);
        cmd.Parameters.AddWithValue(cells.Select(c => c.Key.TenantId).ToArray());
        cmd.Parameters.Add(new NpgsqlParameter
            { Value = cells.Select(c => c.Key.Day).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Date });
        cmd.Parameters.AddWithValue(cells.Select(c => c.Key.Channel).ToArray());
        cmd.Parameters.AddWithValue(cells.Select(c => c.Key.Status).ToArray());
        cmd.Parameters.AddWithValue(cells.Select(c => c.Value).ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The tenant's days from <paramref name="from"/> to <paramref name="to"/> (inclusive), newest first, one entry per
    /// day and channel.</summary>
    public async Task<IReadOnlyList<UsageDay>> ListAsync(Guid tenantId, DateOnly from, DateOnly to, string? channel, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            select day, channel, status, count from usage_daily
            where tenant_id = $1 and day between $2 and $3 and ($4::text is null or channel = $4)
            order by day desc, channel, status
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(from);
        cmd.Parameters.AddWithValue(to);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)channel ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        var days = new List<UsageDay>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var (day, ch) = (r.GetFieldValue<DateOnly>(0), r.GetString(1));
            if (days.Count == 0 || days[^1].Day != day || days[^1].Channel != ch)
                days.Add(new UsageDay(day, ch, new SortedDictionary<string, long>()));
            ((SortedDictionary<string, long>)days[^1].Counts)[r.GetString(2)] = r.GetInt64(3);
        }
        return days;
    }

    /// <summary>Each of the tenants' counts per channel and status, summed from <paramref name="from"/> on.</summary>
    public async Task<List<(Guid Tenant, string Channel, string Status, long Count)>> SumsAsync(Guid[] tenantIds, DateOnly from,
        CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            select tenant_id, channel, status, sum(count)::int8 from usage_daily
            where tenant_id = any($1) and day >= $2
            group by tenant_id, channel, status
            """);
        cmd.Parameters.AddWithValue(tenantIds);
        cmd.Parameters.AddWithValue(from);
        var sums = new List<(Guid, string, string, long)>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) sums.Add((r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetInt64(3)));
        return sums;
    }
}

