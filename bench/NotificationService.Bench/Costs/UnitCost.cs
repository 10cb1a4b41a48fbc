namespace NotificationService.Bench.Costs;

/// <summary>Rows one table gained, changed (of which HOT: no index touched) and lost in a window, from pg_stat_user_tables.</summary>
public sealed record TableRows(string Table, long Inserted, long Updated, long HotUpdated, long Deleted)
{
    public long Written => Inserted + Updated + Deleted;
    /// <summary>Row versions that wrote every index of their table: inserts and non-HOT updates.</summary>
    public long IndexedWrites => Inserted + Updated - HotUpdated;
}

/// <summary>One statement's calls and execution time (pg_stat_statements; planning is not counted there by default).</summary>
public sealed record StatementTime(long QueryId, string Query, long Calls, double ExecMs)
{
    /// <summary>The <paramref name="n"/> statements that spent the most execution time between two snapshots.</summary>
    public static IReadOnlyList<StatementTime> Top(IReadOnlyList<StatementTime> before, IReadOnlyList<StatementTime> after, int n)
    {
        var old = before.GroupBy(s => s.QueryId).ToDictionary(g => g.Key, g => (Calls: g.Sum(s => s.Calls), Ms: g.Sum(s => s.ExecMs)));
        return [.. after.GroupBy(s => s.QueryId)
            .Select(g => (g.First(), Calls: g.Sum(s => s.Calls), Ms: g.Sum(s => s.ExecMs), Old: old.GetValueOrDefault(g.Key)))
            .Select(x => x.Item1 with { Calls = x.Calls - x.Old.Calls, ExecMs = x.Ms - x.Old.Ms })
            .Where(s => s.Calls > 0).OrderByDescending(s => s.ExecMs).Take(n)];
    }
}

/// <summary>WAL the cluster wrote in a window (pg_stat_wal): records, full-page images (a page's first change after a
/// checkpoint writes the whole page) and bytes.</summary>
public sealed record WalUse(long Records, long FullPageImages, decimal Bytes)
{
    public WalUse Since(WalUse before) => new(Records - before.Records, FullPageImages - before.FullPageImages, Bytes - before.Bytes);
}

/// <summary>
/// What one unit of a phase's work (an accepted send, a delivered notification, a CSV row…) cost over its measured
/// window: CPU of the service processes, of PostgreSQL and of the bench itself, statements the service ran, and rows
/// written per table. Unlike a rate, these hardly depend on how busy the shared host was, so two builds compare on them.
/// </summary>
public sealed record UnitCost(string Phase, string Unit, long Units, TimeSpan Window, TimeSpan ServiceCpu, TimeSpan PostgresCpu, TimeSpan BenchCpu,
    long Statements, IReadOnlyList<TableRows> Tables)
{
    /// <summary>The statements that spent the most execution time in the window.</summary>
    public IReadOnlyList<StatementTime> TopStatements { get; init; } = [];
    /// <summary>The WAL written in the window, by the whole cluster (null: not read).</summary>
    public WalUse? Wal { get; init; }

    private double Per(double v) => Units > 0 ? v / Units : double.NaN;

    /// <summary>"0.01 calls, 12.3 µs: update notifications set …": per unit, the statements that cost the most.</summary>
    public string StatementsPerUnit(System.Globalization.CultureInfo inv) => TopStatements.Count == 0 ? "none" : string.Join("; ", TopStatements
        .Select(s => string.Format(inv, "{0:0.000} calls, {1:0.0} µs: `{2}`", Per(s.Calls), Per(s.ExecMs * 1000), s.Query.Replace("`", "'"))));
    public double ServiceMicros => Per(ServiceCpu.TotalMicroseconds);
    public double PostgresMicros => Per(PostgresCpu.TotalMicroseconds);
    public double BenchMicros => Per(BenchCpu.TotalMicroseconds);
    public double StatementsPer => Statements < 0 ? double.NaN : Per(Statements);
    public double RowsWritten => Per(Tables.Sum(t => t.Written));
    public double NonHotUpdates => Per(Tables.Sum(t => t.Updated - t.HotUpdated));
    /// <summary>WAL bytes per unit (the cluster's; NaN when not read).</summary>
    public double WalBytesPer => Wal is { } w ? Per((double)w.Bytes) : double.NaN;

    /// <summary>"WAL 4.1 records, 0.52 full-page images, 1,234 bytes": per unit.</summary>
    public string WalPerUnit(System.Globalization.CultureInfo inv) => Wal is not { } w ? "not read"
        : string.Format(inv, "{0:0.0} records, {1:0.00} full-page images, {2:N0} bytes", Per(w.Records), Per(w.FullPageImages), Per((double)w.Bytes));

    /// <summary>"notifications +1.00 ~2.00 (HOT 0.04) -0.00; jobs …": per unit, tables that wrote anything.</summary>
    public string TablesPerUnit(System.Globalization.CultureInfo inv) => Tables.Count == 0 ? "none" : string.Join("; ", Tables
        .OrderByDescending(t => t.Written).Select(t => string.Format(inv, "{0} +{1:0.00} ~{2:0.00} (HOT {3:0.00}) -{4:0.00}",
            t.Table, Per(t.Inserted), Per(t.Updated), Per(t.HotUpdated), Per(t.Deleted))));
}
