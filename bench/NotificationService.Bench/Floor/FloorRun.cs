using System.Diagnostics;
using Npgsql;
using NotificationService.Bench.Ceilings;

namespace NotificationService.Bench.Floor;

/// <summary>One step of a round: its rate, and the CPU of PostgreSQL and of the bench per job.</summary>
public sealed record FloorStep(string Name, double Rate, double PostgresMicros, double BenchMicros);

/// <param name="Steps">The claim ceiling first, then <see cref="DeliveryFloorSql.Steps"/>.</param>
public sealed record FloorResult(int Jobs, IReadOnlyList<FloorStep> Steps)
{
    public FloorStep Ceiling => Steps[0];
}

/// <summary>
/// How far below the claim ceiling a sandbox delivery's own writes sit, whatever the queue and ledger around them: a round
/// drains the same jobs once per step, from 4 connections, 100 jobs a statement, no service running. The ceiling is drained
/// in the same round, on the same database, so each step's ratio is to its own round's ceiling. The phase's rounds are the
/// bench's (three, like dispatch's), so the run's spread table gives each step's spread.
/// </summary>
public static class FloorRun
{
    public const string Phase = "floor";
    private const string CeilingName = "claim-and-delete ceiling (the bench's jobs_lite)";
    private static readonly Guid Tenant = Guid.Parse("0000000d-e000-4000-8000-0000000000f1");
    private static readonly Guid Provider = Guid.Parse("0000000d-e000-4000-8000-0000000000f2");

    public static async Task<FloorResult> MeasureAsync(string connectionString, int jobs)
    {
        // Every statement prepared after its first use on a connection, as the ceiling's own drain prepares its statement.
        await using var db = NpgsqlDataSource.Create(
            new NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = 8, AutoPrepareMinUsages = 2 }.ConnectionString);
        await using (var schema = db.CreateCommand(PostgresCeilings.Schema)) await schema.ExecuteNonQueryAsync();
        var meter = await CpuMeter.ForAsync(Environment.ProcessId, db);

        var drains = new List<(string Name, Func<NpgsqlConnection, Task<int>> Batch)>
            { (CeilingName, conn => RowsAsync(conn, PostgresCeilings.ClaimAndDelete)) };
        drains.AddRange(DeliveryFloorSql.Steps.Select(s => (s.Name, (Func<NpgsqlConnection, Task<int>>)(conn => StepAsync(conn, s.Sql)))));
        var steps = new List<FloorStep>();
        foreach (var (name, batch) in drains)
        {
            Progress.Show($"floor: {name}: filling {jobs:N0} jobs");
            await FillAsync(db, jobs, ceiling: steps.Count == 0);
            var before = (Pg: meter.Postgres(), Bench: CpuMeter.Process(Environment.ProcessId));
            var clock = Stopwatch.StartNew();
            var done = await DrainAsync(db, batch);
            clock.Stop();
            if (done != jobs) throw new InvalidOperationException($"floor: {name} took {done:N0} of {jobs:N0} jobs");
            var (pg, bench) = (meter.Postgres() - before.Pg, CpuMeter.Process(Environment.ProcessId) - before.Bench);
            steps.Add(new FloorStep(name, done / clock.Elapsed.TotalSeconds, pg.TotalMicroseconds / done, bench.TotalMicroseconds / done));
        }
        return new FloorResult(jobs, steps);
    }

    private static async Task FillAsync(NpgsqlDataSource db, int jobs, bool ceiling)
    {
        await ExecuteAsync(db, DeliveryFloorSql.Empty, []);
        await ExecuteAsync(db, DeliveryFloorSql.FillNotifications, [Tenant, jobs]);
        await ExecuteAsync(db, DeliveryFloorSql.FillJobs, []);
        if (ceiling) await ExecuteAsync(db, PostgresCeilings.FillJobsLite, [Tenant, jobs]);
        await ExecuteAsync(db, "vacuum analyze jobs, notifications, notification_events, sandbox_messages, jobs_lite", []);
        await ExecuteAsync(db, "checkpoint", []);   // no checkpoint of the fill inside the drain
    }

    private static async Task<int> DrainAsync(NpgsqlDataSource db, Func<NpgsqlConnection, Task<int>> batch)
    {
        var total = 0;
        await Task.WhenAll(Enumerable.Range(0, BenchOptions.ClaimConnections).Select(_ => Task.Run(async () =>
        {
            await using var conn = await db.OpenConnectionAsync();
            for (int n; (n = await batch(conn)) > 0;) Interlocked.Add(ref total, n);
        })));
        return total;
    }

    private static async Task<int> RowsAsync(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        var n = 0;
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) n++;
        return n;
    }

    private static async Task<int> StepAsync(NpgsqlConnection conn, string sql)
    {
        await using var cmd = new NpgsqlCommand(sql, conn) { Parameters = { new() { Value = Tenant }, new() { Value = Provider } } };
        return (int)(long)(await cmd.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(NpgsqlDataSource db, string sql, object[] args)
    {
        await using var cmd = db.CreateCommand(sql);
        foreach (var a in args) cmd.Parameters.Add(new NpgsqlParameter { Value = a });
        await cmd.ExecuteNonQueryAsync();
    }
}
