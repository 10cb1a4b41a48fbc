using System.Diagnostics;
using Npgsql;

namespace NotificationService.Bench.Ceilings;

/// <param name="DotnetKernelNsPerOp">CPU per operation of a fixed .NET kernel (<see cref="HostSpeed"/>): lower is faster.</param>
/// <param name="PostgresKernelMs">CPU of a fixed PostgreSQL query, three times (<see cref="HostSpeed"/>): lower is faster.</param>
/// <param name="MemoryNsPerRead">CPU per dependent memory read, both cores at once (<see cref="HostSpeed"/>): lower is faster.</param>
public sealed record CeilingResults(double SingleInsertCommitsPerSec, double BatchInsertRowsPerSec, double ClaimDeleteJobsPerSec,
    double DotnetKernelNsPerOp = double.NaN, double PostgresKernelMs = double.NaN, double MemoryNsPerRead = double.NaN);

/// <summary>
/// What PostgreSQL itself does on this machine, with Npgsql, on a fresh database: the ceilings every service
/// figure is divided by. Tables are shaped like the service's (a notifications-lite row, a jobs-lite row).
/// </summary>
public static class PostgresCeilings
{
    /// <summary>The ceilings' tables, shaped like the service's rows, without indexes beyond their keys.</summary>
    internal const string Schema = """
        create table notifications_lite (
            id uuid primary key, tenant_id uuid not null, channel text not null, status text not null,
            recipient jsonb not null, content jsonb, created_at timestamptz not null default now())
            with (autovacuum_enabled = false, toast.autovacuum_enabled = false);
        create table jobs_lite (
            id bigint generated always as identity primary key, queue text not null, tenant_id uuid not null,
            args jsonb not null, created_at timestamptz not null default now())
            with (autovacuum_enabled = false, toast.autovacuum_enabled = false);
        """;

    /// <summary>$2 jobs of tenant $1 for the claim ceiling.</summary>
    internal const string FillJobsLite = """
        insert into jobs_lite (queue, tenant_id, args)
        select 'email', $1, jsonb_build_object('n', gen_random_uuid()) from generate_series(1, $2)
        """;

    /// <summary>The claim ceiling's statement: 100 jobs taken and deleted at once.</summary>
    internal const string ClaimAndDelete =
        "delete from jobs_lite where id in (select id from jobs_lite order by id limit 100 for update skip locked) returning id, args";

    public static async Task<CeilingResults> MeasureAsync(string connectionString, BenchOptions options)
    {
        await using var db = new NpgsqlDataSourceBuilder(connectionString).Build();
        // No autovacuum on the ceilings' own tables (the database is dropped after): 1.6 M rows like the batch ceiling's drew
        // a VACUUM ANALYZE of the table 53 s later, running for seconds on the cores the next measurements share, at whatever
        // moment autovacuum woke. (It was not what put the claim ceiling on two levels: that stayed without it.)
        await using (var setup = db.CreateCommand(Schema))
            await setup.ExecuteNonQueryAsync();

        var single = await SingleRowCommitsAsync(db, options.CeilingDuration);
        var batch = await BatchInsertRowsAsync(db, options.CeilingDuration);
        var claim = await ClaimAndDeleteMedianAsync(db, options.ClaimPrefillRows, ClaimSamples(options));
        Progress.Show("ceiling: host speed, fixed .NET, PostgreSQL and memory kernels");
        return new CeilingResults(single, batch, claim, HostSpeed.DotnetNsPerOp(), await HostSpeed.PostgresMsAsync(db),
            HostSpeed.MemoryNsPerRead());
    }

    private static readonly Guid Tenant = Guid.Parse("0000000d-e000-4000-8000-0000000000be");
    private const string Recipient = """{"email":"a@example.com"}""";
    private const string Content = """{"subject":"Hi","body":"Hello {{name}}"}""";

    /// <summary>(a) One row per transaction (autocommit) from 16 connections.</summary>
    private static async Task<double> SingleRowCommitsAsync(NpgsqlDataSource db, TimeSpan duration)
    {
        long total = 0;
        var sw = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, BenchOptions.SingleInsertConnections).Select(_ => Task.Run(async () =>
        {
            await using var conn = await db.OpenConnectionAsync();
            await using var cmd = new NpgsqlCommand(
                "insert into notifications_lite (id, tenant_id, channel, status, recipient, content) values ($1, $2, 'email', 'queued', $3::jsonb, $4::jsonb)", conn);
            var id = cmd.Parameters.AddWithValue(Guid.Empty);
            cmd.Parameters.AddWithValue(Tenant);
            cmd.Parameters.AddWithValue(Recipient);
            cmd.Parameters.AddWithValue(Content);
            await cmd.PrepareAsync();
            while (sw.Elapsed < duration)
            {
                id.Value = Guid.CreateVersion7();
                await cmd.ExecuteNonQueryAsync();
                Interlocked.Increment(ref total);
            }
        })).ToArray();
        await Watch(workers, sw, duration, () => $"ceiling: single-row commits, {BenchOptions.SingleInsertConnections} connections: {Interlocked.Read(ref total):N0}");
        return total / sw.Elapsed.TotalSeconds;
    }

    /// <summary>(b) 100 rows per statement (unnest), one transaction each, from 4 connections.</summary>
    private static async Task<double> BatchInsertRowsAsync(NpgsqlDataSource db, TimeSpan duration)
    {
        long total = 0;
        var sw = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, BenchOptions.BatchInsertConnections).Select(_ => Task.Run(async () =>
        {
            await using var conn = await db.OpenConnectionAsync();
            await using var cmd = new NpgsqlCommand("""
                insert into notifications_lite (id, tenant_id, channel, status, recipient, content)
                select u.id, $2, 'email', 'queued', $3::jsonb, $4::jsonb from unnest($1::uuid[]) as u(id)
                """, conn);
            var ids = cmd.Parameters.AddWithValue(Array.Empty<Guid>());
            cmd.Parameters.AddWithValue(Tenant);
            cmd.Parameters.AddWithValue(Recipient);
            cmd.Parameters.AddWithValue(Content);
            while (sw.Elapsed < duration)
            {
                ids.Value = Enumerable.Range(0, BenchOptions.BatchSize).Select(_ => Guid.CreateVersion7()).ToArray();
                await cmd.ExecuteNonQueryAsync();
                Interlocked.Add(ref total, BenchOptions.BatchSize);
            }
        })).ToArray();
        await Watch(workers, sw, duration, () => $"ceiling: 100-row batch inserts: {Interlocked.Read(ref total):N0} rows");
        return total / sw.Elapsed.TotalSeconds;
    }

    /// <summary>How many claim-and-delete samples a ceiling takes the median of: one sample lasts under half a second,
    /// and ten in a row on an idle host spread 1.10x.</summary>
    public static int ClaimSamples(BenchOptions options) => options.Smoke ? 1 : 3;

    private static async Task<double> ClaimAndDeleteMedianAsync(NpgsqlDataSource db, int rows, int samples)
    {
        var rates = new List<double>(samples);
        for (var i = 0; i < samples; i++) rates.Add(await ClaimAndDeleteAsync(db, rows));
        return rates.Order().ElementAt(samples / 2);
    }

    /// <summary>(c) Pre-fill, then claim-and-delete 100 at a time with SKIP LOCKED from 4 connections until empty.</summary>
    private static async Task<double> ClaimAndDeleteAsync(NpgsqlDataSource db, int rows)
    {
        Progress.Show($"ceiling: pre-filling {rows:N0} jobs");
        await using (var fill = db.CreateCommand(FillJobsLite))
        {
            fill.Parameters.AddWithValue(Tenant);
            fill.Parameters.AddWithValue(rows);
            await fill.ExecuteNonQueryAsync();
        }
        await using (var vacuum = db.CreateCommand("vacuum analyze jobs_lite"))
            await vacuum.ExecuteNonQueryAsync();

        long total = 0;
        var sw = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, BenchOptions.ClaimConnections).Select(_ => Task.Run(async () =>
        {
            await using var conn = await db.OpenConnectionAsync();
            await using var cmd = new NpgsqlCommand(ClaimAndDelete, conn);
            await cmd.PrepareAsync();
            while (true)
            {
                var n = 0;
                await using (var r = await cmd.ExecuteReaderAsync())
                    while (await r.ReadAsync()) n++;
                if (n == 0) break;
                Interlocked.Add(ref total, n);
            }
        })).ToArray();
        await Watch(workers, sw, null, () => $"ceiling: SKIP LOCKED claim-and-delete: {Interlocked.Read(ref total):N0}/{rows:N0}");
        return total / sw.Elapsed.TotalSeconds;
    }

    private static async Task Watch(Task[] workers, Stopwatch sw, TimeSpan? duration, Func<string> status)
    {
        var all = Task.WhenAll(workers);
        while (await Task.WhenAny(all, Task.Delay(250)) != all)
            Progress.Show(status() + (duration is { } d ? $" ({sw.Elapsed.TotalSeconds:0}/{d.TotalSeconds:0} s)" : ""));
        await all;
        sw.Stop();
    }
}
