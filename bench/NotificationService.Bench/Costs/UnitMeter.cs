using Npgsql;

namespace NotificationService.Bench.Costs;

/// <summary>
/// Measures a phase's window for its <see cref="UnitCost"/>: start it where the measured work starts, stop it with the
/// number of units done. Service CPU is every process the bench started (<see cref="ChildCpu"/>), PostgreSQL's is the
/// whole cluster's (the bench's own), statements are pg_stat_statements calls in the window's database that the bench
/// did not make (its own are tagged `/* bench */`; unknown when something reset the view inside the window), rows are that database's pg_stat_user_tables. Stopping adds the cost
/// to the running phase's report (<see cref="Sink"/>).
/// </summary>
public sealed class UnitMeter
{
    /// <summary>Where stopped meters report: set by the harness for each phase (and each side and round of `--ab`).</summary>
    public static readonly AsyncLocal<List<UnitCost>?> Sink = new();

    private readonly NpgsqlDataSource _db;
    private readonly string _phase;
    private readonly CpuMeter _cpu;
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private (TimeSpan Service, TimeSpan Postgres, TimeSpan Bench) _before;
    private long _statementsBefore;
    private IReadOnlyList<StatementTime> _topBefore = [];
    private IReadOnlyList<TableRows> _tablesBefore = [];
    private WalUse? _walBefore;

    private UnitMeter(NpgsqlDataSource db, string phase, CpuMeter cpu) => (_db, _phase, _cpu) = (db, phase, cpu);

    public static async Task<UnitMeter> StartAsync(NpgsqlDataSource db, string phase)
    {
        var meter = new UnitMeter(db, phase, await CpuMeter.ForAsync(Environment.ProcessId, db));
        meter._tablesBefore = await TablesAsync(db);
        meter._statementsBefore = await StatementsAsync(db);
        meter._topBefore = await StatementTimesAsync(db);
        meter._walBefore = await WalAsync(db);
        meter._before = meter.Cpu();
        meter._clock.Restart();
        return meter;
    }

    private (TimeSpan Service, TimeSpan Postgres, TimeSpan Bench) Cpu() =>
        (ChildCpu.Total(), _cpu.Postgres(), CpuMeter.Process(Environment.ProcessId));

    /// <param name="settle">Wait before reading the table counters (backends report them at most once a second, PostgreSQL 15);
    /// off when the caller already waited.</param>
    public async Task<UnitCost> StopAsync(long units, string unit, bool settle = true)
    {
        var window = _clock.Elapsed;
        var after = Cpu();
        var statements = await StatementsAsync(_db);
        var times = await StatementTimesAsync(_db);
        var wal = await WalAsync(_db);
        if (settle) await Task.Delay(Waits.Seconds(1.5));
        var old = _tablesBefore.ToDictionary(t => t.Table);
        var tables = (await TablesAsync(_db))
            .Select(t => old.TryGetValue(t.Table, out var o) ? t with { Inserted = t.Inserted - o.Inserted, Updated = t.Updated - o.Updated,
                HotUpdated = t.HotUpdated - o.HotUpdated, Deleted = t.Deleted - o.Deleted } : t)
            .Where(t => t.Written > 0).ToList();
        var cost = new UnitCost(_phase, unit, units, window, after.Service - _before.Service, after.Postgres - _before.Postgres,
            after.Bench - _before.Bench, statements < _statementsBefore || _statementsBefore < 0 ? -1 : statements - _statementsBefore, tables)
        { TopStatements = StatementTime.Top(_topBefore, times, 6), Wal = wal is { } w && _walBefore is { } b ? w.Since(b) : null };
        if (Sink.Value is { } sink) lock (sink) sink.Add(cost);
        return cost;
    }

    private static async Task<WalUse?> WalAsync(NpgsqlDataSource db)
    {
        await using var cmd = db.CreateCommand("/* bench */ select wal_records, wal_fpi, wal_bytes from pg_stat_wal");
        await using var r = await cmd.ExecuteReaderAsync();
        return await r.ReadAsync() ? new WalUse(r.GetInt64(0), r.GetInt64(1), r.GetDecimal(2)) : null;
    }

    internal static async Task<IReadOnlyList<TableRows>> TablesAsync(NpgsqlDataSource db)
    {
        var list = new List<TableRows>();
        await using var cmd = db.CreateCommand("/* bench */ select relname, n_tup_ins, n_tup_upd, n_tup_hot_upd, n_tup_del from pg_stat_user_tables");
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) list.Add(new(r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4)));
        return list;
    }

    /// <summary>Each statement's calls and execution time so far in this database (not the bench's); none without pg_stat_statements.</summary>
    private static async Task<IReadOnlyList<StatementTime>> StatementTimesAsync(NpgsqlDataSource db)
    {
        var list = new List<StatementTime>();
        try
        {
            await using var cmd = db.CreateCommand("""
                /* bench */ select queryid, left(regexp_replace(query, '\s+', ' ', 'g'), 90), calls, total_exec_time from pg_stat_statements
                where dbid = (select oid from pg_database where datname = current_database()) and query not like '%/* bench */%'
                """);
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync()) list.Add(new(r.GetInt64(0), r.GetString(1), r.GetInt64(2), r.GetDouble(3)));
        }
        catch (PostgresException) { }
        return list;
    }

    /// <summary>Statements run so far in this database by anyone but the bench; -1 without pg_stat_statements.</summary>
    private static async Task<long> StatementsAsync(NpgsqlDataSource db)
    {
        try
        {
            await using (var ext = db.CreateCommand("/* bench */ create extension if not exists pg_stat_statements")) await ext.ExecuteNonQueryAsync();
            await using var cmd = db.CreateCommand("""
                /* bench */ select coalesce(sum(calls), 0)::bigint from pg_stat_statements
                where dbid = (select oid from pg_database where datname = current_database()) and query not like '%/* bench */%'
                """);
            return (long)(await cmd.ExecuteScalarAsync())!;
        }
        catch (PostgresException) { return -1; }
    }
}
