using Npgsql;

namespace NotificationService.Bench.Service;

/// <summary>One statement's share of a drain, from pg_stat_statements.</summary>
/// <summary>PlanMs is 0 unless the cluster sets `pg_stat_statements.track_planning` (the harness's does: statements that are
/// not prepared are planned on every call, and that CPU is not in the execution time).</summary>
public sealed record StatementCost(string Query, long Calls, long Rows, double TotalMs, double PlanMs = 0);

/// <summary>Rows one table gained, changed (of which HOT) and lost during a drain, from pg_stat_user_tables.</summary>
public sealed record TableWrites(string Table, long Inserted, long Updated, long HotUpdated, long Deleted);

/// <summary>What PostgreSQL did for a drain: every statement the service ran (the harness's own are tagged
/// `/* bench */` and left out) and the rows each table wrote. Divided by the notifications delivered, it says
/// what one delivery costs the database, independently of how busy the machine was.</summary>
public sealed record WriteProfile(IReadOnlyList<StatementCost> Statements, IReadOnlyList<TableWrites> Tables)
{
    public long Calls => Statements.Sum(s => s.Calls);
    public double TotalMs => Statements.Sum(s => s.TotalMs);

    /// <summary>Forgets what came before (needs `shared_preload_libraries=pg_stat_statements`, which the harness's cluster sets).</summary>
    public static async Task<IReadOnlyList<TableWrites>> StartAsync(NpgsqlDataSource db)
    {
        await using (var ext = db.CreateCommand("/* bench */ create extension if not exists pg_stat_statements")) await ext.ExecuteNonQueryAsync();
        await using (var reset = db.CreateCommand("/* bench */ select pg_stat_statements_reset()")) await reset.ExecuteNonQueryAsync();
        return await TablesAsync(db);
    }

    public static async Task<WriteProfile> StopAsync(NpgsqlDataSource db, IReadOnlyList<TableWrites> before)
    {
        // Backends report their table counters at most once a second (PostgreSQL 15); give the last ones time to land.
        await Task.Delay(Waits.Seconds(1.5));
        var statements = new List<StatementCost>();
        await using (var cmd = db.CreateCommand("""
            /* bench */ select query, calls, rows, total_exec_time, total_plan_time from pg_stat_statements
            where dbid = (select oid from pg_database where datname = current_database()) and query not like '%/* bench */%'
            order by total_exec_time desc
            """))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) statements.Add(new(r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.GetDouble(3), r.GetDouble(4)));
        var old = before.ToDictionary(t => t.Table);
        var tables = (await TablesAsync(db))
            .Select(t => old.TryGetValue(t.Table, out var o) ? t with { Inserted = t.Inserted - o.Inserted, Updated = t.Updated - o.Updated,
                HotUpdated = t.HotUpdated - o.HotUpdated, Deleted = t.Deleted - o.Deleted } : t)
            .Where(t => t.Inserted + t.Updated + t.Deleted > 0).ToList();
        return new WriteProfile(statements, tables);
    }

    private static async Task<IReadOnlyList<TableWrites>> TablesAsync(NpgsqlDataSource db)
    {
        var list = new List<TableWrites>();
        await using var cmd = db.CreateCommand("/* bench */ select relname, n_tup_ins, n_tup_upd, n_tup_hot_upd, n_tup_del from pg_stat_user_tables order by relname");
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) list.Add(new(r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4)));
        return list;
    }

    /// <summary>Markdown lines: per delivered notification, statements and their time, then rows written per table.</summary>
    public IEnumerable<string> Describe(long delivered)
    {
        double Per(double v) => v / Math.Max(1, delivered);
        yield return $"- Dispatch, PostgreSQL per delivered notification: {Per(Calls):0.00} statements, {Per(TotalMs) * 1000:0.0} µs of statement time " +
                     $"({Calls:N0} statements, {TotalMs / 1000:0.0} s in all), and {Per(Statements.Sum(s => s.PlanMs)) * 1000:0.0} µs of planning. Rows written per notification: " +
                     string.Join(", ", Tables.Select(t => $"{t.Table} +{Per(t.Inserted):0.00} ~{Per(t.Updated):0.00} (HOT {Per(t.HotUpdated):0.00}) -{Per(t.Deleted):0.00}")) + ".";
        foreach (var s in Statements.Take(8))
            yield return $"  - {Per(s.Calls):0.000} calls, {Per(s.TotalMs) * 1000:0.0} µs per notification, {s.TotalMs / Math.Max(1, s.Calls):0.000} ms per call (+{s.PlanMs / Math.Max(1, s.Calls):0.000} ms planning): `{OneLine(s.Query)}`";
    }

    private static string OneLine(string sql)
    {
        var line = string.Join(' ', sql.Split((char[])['\n', '\r', '\t', ' '], StringSplitOptions.RemoveEmptyEntries));
        return line.Length > 160 ? line[..160] + "…" : line;
    }
}
