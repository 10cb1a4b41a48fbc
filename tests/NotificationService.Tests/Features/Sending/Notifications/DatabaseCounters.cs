using Npgsql;
using NotificationService.Postgres;

namespace NotificationService.Tests.Features.Sending.Notifications;

/// <summary>What PostgreSQL counted between two readings: statements the service ran (but its time-limited wake-ups), and
/// row versions per table.</summary>
public sealed record DatabaseWork(long Statements, IReadOnlyDictionary<string, (long Inserted, long Updated, long Hot, long Deleted)> Tables,
    IReadOnlyList<(long Calls, string Query)> Top)
{
    /// <summary>Row versions that wrote every index of their table: inserts, and updates that were not HOT.</summary>
    public long IndexWrites => Tables.Values.Sum(t => t.Inserted + t.Updated - t.Hot);

    public long Inserted(string table) => Tables.GetValueOrDefault(table).Inserted;

    public long Updated(string table) => Tables.GetValueOrDefault(table).Updated;

    public long Hot(string table) => Tables.GetValueOrDefault(table).Hot;

    /// <summary>The same work without row versions the spec itself wrote in the window (non-HOT updates of <paramref name="table"/>).</summary>
    public DatabaseWork Less(string table, long updated)
    {
        var tables = Tables.ToDictionary();
        var (i, u, h, d) = tables.GetValueOrDefault(table);
        tables[table] = (i, u - updated, h, d);
        return this with { Tables = tables };
    }

    public string Describe(int units) =>
        $"{Statements / (double)units:0.000} statements and {IndexWrites / (double)units:0.00} index-writing row versions per unit; per table " +
        string.Join("; ", Tables.Where(t => t.Value != default).OrderBy(t => t.Key).Select(t =>
            $"{t.Key} +{t.Value.Inserted / (double)units:0.00} ~{t.Value.Updated / (double)units:0.00} (HOT {t.Value.Hot / (double)units:0.00}) -{t.Value.Deleted / (double)units:0.00}")) +
        "; statements by calls: " + string.Join("; ", Top.Select(q => $"{q.Calls} × {q.Query}"));
}

/// <summary>
/// A PostgreSQL cluster of its own with pg_stat_statements loaded (the shared test cluster has no preload libraries,
/// and a cluster's view is shared by every database in it), so a spec can count what the service asks of the database.
/// Counters are deterministic where time is not: a budget on them holds on a busy machine. The spec's own statements
/// are tagged `/* counters */` and left out.
/// </summary>
public sealed class DatabaseCounters : IAsyncLifetime
{
    private EmbeddedPostgres _cluster = null!;
    private string _dir = "";

    public string ConnectionString { get; private set; } = "";
    public NpgsqlDataSource Db { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _dir = Path.Combine(Path.GetTempPath(), "ns-test-pg-counters", $"{Environment.ProcessId}-{Guid.NewGuid():N}"[..20]);
        _cluster = await EmbeddedPostgres.StartAsync(_dir, settings: ["shared_preload_libraries=pg_stat_statements", "pg_stat_statements.max=10000"]);
        await using (var admin = new NpgsqlConnection(_cluster.ConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand("create database budget", admin);
            await create.ExecuteNonQueryAsync();
        }
        ConnectionString = new NpgsqlConnectionStringBuilder(_cluster.ConnectionString) { Database = "budget" }.ConnectionString;
        Db = NpgsqlDataSource.Create(ConnectionString);
        await using var ext = Db.CreateCommand("/* counters */ create extension pg_stat_statements");
        await ext.ExecuteNonQueryAsync();
    }

    /// <summary>Forgets the statements counted so far.</summary>
    public async Task ResetStatementsAsync()
    {
        await using var reset = Db.CreateCommand("/* counters */ select pg_stat_statements_reset()");
        await reset.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// Waits until the service's statements stop coming: the same count of calls in five readings 200 ms apart. A host's
    /// start-up (each queue's first claim and look for due work, one per queue however many there are) ends at no event
    /// the spec can see, and on a busy machine it runs past the moment the host object is built. A loop that runs more
    /// often than once a second never lets this happen: after a minute it fails naming the statements still coming,
    /// rather than waiting on luck (a 1-s loop once made this take from 40 s to 14 min).
    /// </summary>
    public async Task WaitQuietAsync()
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        long last = -1;
        for (var same = 0; same < 5; await Task.Delay(200))
        {
            var calls = await CallsAsync();
            same = calls.Values.Sum() == last ? same + 1 : 0;
            last = calls.Values.Sum();
            if (DateTime.UtcNow < deadline) continue;
            await Task.Delay(1000);
            var still = (await CallsAsync()).Where(c => c.Value > calls.GetValueOrDefault(c.Key)).Select(c => c.Key);
            throw new TimeoutException("the service's statements did not stop for a second in a minute; still coming: " + string.Join("; ", still));
        }
    }

    private async Task<Dictionary<string, long>> CallsAsync()
    {
        var calls = new Dictionary<string, long>();
        await using var cmd = Db.CreateCommand("""
            /* counters */ select left(regexp_replace(query, '\s+', ' ', 'g'), 90), sum(calls)::bigint from pg_stat_statements
            where query not like '/* counters */%' group by 1
            """);
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) calls[r.GetString(0)] = r.GetInt64(1);
        return calls;
    }

    /// <summary>
    /// The tables' counters once <paramref name="table"/> has counted at least <paramref name="inserted"/> inserts and two
    /// readings in a row agree: a backend reports its counters when it goes idle (at most once a second) and when it
    /// exits, so a count the work certainly made is the event to wait for.
    /// </summary>
    public async Task<Dictionary<string, (long, long, long, long)>> CountedAsync(string table, long inserted)
    {
        Dictionary<string, (long, long, long, long)>? previous = null;
        return await Eventually.Async(TablesAsync, t =>
        {
            var settled = previous is not null && t.Count == previous.Count && t.All(x => previous.GetValueOrDefault(x.Key) == x.Value);
            previous = t;
            return settled && t.GetValueOrDefault(table).Item1 >= inserted;
        }, $"{inserted} inserts into {table} to be counted");
    }

    /// <summary>A connection whose statements pg_stat_statements does not count (the spec's own set-up inside a window).</summary>
    public async Task<NpgsqlConnection> UncountedConnectionAsync()
    {
        var conn = new NpgsqlConnection(ConnectionString + ";Pooling=false");
        await conn.OpenAsync();
        await using var off = new NpgsqlCommand("set pg_stat_statements.track = 'none'", conn);
        await off.ExecuteNonQueryAsync();
        return conn;
    }

    /// <summary>
    /// The work since <paramref name="before"/> and the last statement reset. Call after the service's host is disposed:
    /// this ends the connections its pools left open and waits until the counters include <paramref name="least"/> more
    /// inserts into <paramref name="table"/> (a count the work certainly made).
    /// </summary>
    public async Task<DatabaseWork> StopAsync(Dictionary<string, (long, long, long, long)> before, string table, long least)
    {
        var top = new List<(long, string)>();
        await using (var cmd = Db.CreateCommand("""
            /* counters */ select calls, left(regexp_replace(query, '\s+', ' ', 'g'), 90) from pg_stat_statements
            where dbid = (select oid from pg_database where datname = current_database()) and query not like '%/* counters */%'
              and query not like '%"hangfire".%'
            order by calls desc
            """))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) top.Add((r.GetInt64(0), r.GetString(1)));
        // Hangfire's own bookkeeping (server heartbeats, queue polls, recurring-job scheduling) runs in its schema per second,
        // not per notification, and is left out above and in TablesAsync like the wake-ups below.
        // Wake-ups of other replicas (pg_notify after commit) are rate-limited per queue in time (CrossReplicaNotifier), not
        // per notification: how many a run makes depends on how fast the machine ran it, so they are not in the count.
        var statements = top.Where(t => !t.Item2.StartsWith("select pg_notify(")).Sum(t => t.Item1);
        // The disposed host's pooled connections may stay open (idle): ending them makes each backend report its last counts.
        await Eventually.Async(async () =>
        {
            await using var end = Db.CreateCommand("""
                /* counters */ select count(pg_terminate_backend(pid)) from pg_stat_activity
                where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'
                """);
            return (long)(await end.ExecuteScalarAsync())!;
        }, n => n == 0, "the service's connections to end");
        var after = await CountedAsync(table, before.GetValueOrDefault(table).Item1 + least);
        var delta = after.ToDictionary(t => t.Key, t =>
        {
            var (i, u, h, d) = before.GetValueOrDefault(t.Key);
            return (t.Value.Item1 - i, t.Value.Item2 - u, t.Value.Item3 - h, t.Value.Item4 - d);
        });
        return new DatabaseWork(statements, delta, top.Take(12).ToList());
    }

    private async Task<Dictionary<string, (long, long, long, long)>> TablesAsync()
    {
        var tables = new Dictionary<string, (long, long, long, long)>();
        await using var cmd = Db.CreateCommand("/* counters */ select relname, n_tup_ins, n_tup_upd, n_tup_hot_upd, n_tup_del from pg_stat_user_tables where schemaname <> 'hangfire'");
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) tables[r.GetString(0)] = (r.GetInt64(1), r.GetInt64(2), r.GetInt64(3), r.GetInt64(4));
        return tables;
    }

    public async Task DisposeAsync()
    {
        await Db.DisposeAsync();
        await _cluster.StopAsync();
        try { Directory.Delete(_dir, recursive: true); } catch { /* best effort */ }
    }
}
