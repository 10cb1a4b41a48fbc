using System.Diagnostics;
using Npgsql;

namespace NotificationService.Bench.Service;

/// <summary>Accept p99 per window at half the peak rate, without and during a retention purge of expired notifications.</summary>
public sealed record RetentionBenchResult(long Expired, double HalfRate, TimeSpan Window, IReadOnlyList<double> QuietP99s, IReadOnlyList<double> PurgeP99s,
    TimeSpan PurgeTime, long Left, long Errors)
{
    public static double Median(IReadOnlyList<double> xs)
    {
        var p = xs.Order().ToArray();
        return p.Length == 0 ? double.NaN : p.Length % 2 == 1 ? p[p.Length / 2] : (p[p.Length / 2 - 1] + p[p.Length / 2]) / 2;
    }
}

/// <summary>
/// One Mode=all service with its retention loop off. The bench writes <c>expired</c> finished notifications (UUIDv7 ids
/// of 100 days ago, one history row each), finds the peak accept rate, then sends at half of it in windows: three
/// quiet, then as many as `retention run` (the service binary's own command, a second process) takes to purge them,
/// then two quiet again. The figure is the median window p99 during the purge over the median quiet one.
/// </summary>
public static class RetentionRun
{
    private static int QuietBefore => Waits.Rounds(3);
    private static int QuietAfter => Waits.Rounds(2);

    public static async Task<RetentionBenchResult> MeasureAsync(string dll, string cs, long expired, TimeSpan window)
    {
        var env = new Dictionary<string, string> { ["Retention__Enabled"] = "false" };
        await using var service = await ServiceProcess.StartAsync(dll, cs, "all", env);
        await using var db = NpgsqlDataSource.Create(cs);
        await SeedExpiredAsync(db, expired);

        var load = await HalfPeakWindows.StartAsync(service.BaseAddress, db, window, "retention");
        for (var i = 0; i < QuietBefore; i++) await load.WindowAsync(false, $"retention: quiet window {i + 1}/{QuietBefore}");
        var unitMeter = await Costs.UnitMeter.StartAsync(db, "retention purge (Mode=all accepting at half the peak meanwhile)");
        var purge = StartPurge(dll, cs);
        var sw = Stopwatch.StartNew();
        while (!purge.HasExited && load.During.Count < 40) await load.WindowAsync(true, $"retention: purging, window {load.During.Count + 1}");
        await purge.WaitForExitAsync();
        var purgeTime = sw.Elapsed;
        await unitMeter.StopAsync(expired, "expired notification purged");
        if (purge.ExitCode != 0) throw new InvalidOperationException($"retention run exited {purge.ExitCode}: {await purge.StandardError.ReadToEndAsync()}");
        for (var i = 0; i < QuietAfter; i++) await load.WindowAsync(false, $"retention: quiet window {QuietBefore + i + 1}/{QuietBefore + QuietAfter}");

        await using var left = db.CreateCommand("select count(*) from notifications where created_at < now() - interval '90 days'");
        return new RetentionBenchResult(expired, load.Rate, window, load.Quiet, load.During, purgeTime, (long)(await left.ExecuteScalarAsync())!, load.Errors);
    }

    private static Process StartPurge(string dll, string cs)
    {
        var psi = new ProcessStartInfo("dotnet", [dll, "retention", "run"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        psi.Environment["ConnectionStrings__Postgres"] = cs;
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start `retention run`");
        Costs.ChildCpu.Track(process); // the purge's CPU is the service's in this phase's cost per notification
        return process;
    }

    /// <summary>
    /// Finished email notifications accepted 100 days ago, as the service would have stored them: UUIDv7 ids whose
    /// first 48 bits are that time (so they sort before today's), one history row each.
    /// </summary>
    private static async Task SeedExpiredAsync(NpgsqlDataSource db, long rows)
    {
        var tenantId = await SeedSql.DemoTenantAsync(db);
        const int chunk = 100_000;
        for (long start = 0; start < rows; start += chunk)
        {
            Progress.Show($"retention: writing expired notifications {start:N0}/{rows:N0}");
            await using var cmd = db.CreateCommand($$"""
                with n as (
                    insert into notifications (id, tenant_id, channel, status, recipient, content, created_at, updated_at, sent_at, attempts)
                    select {{SeedSql.UuidV7("(extract(epoch from now() - interval '100 days') * 1000)::bigint + $2 + g")}},
                           $1, 'email', 'sent', '{"email": "old@example.com"}', '{"subject": "s", "body": "b"}',
                           now() - interval '100 days', now() - interval '100 days', now() - interval '100 days', 1
                    from generate_series(1, $3) g
                    returning id, created_at
                )
                insert into notification_events (notification_id, status, source, detail, created_at)
                select id, 'sent', 'worker', 'attempt 1', created_at from n
                """);
            cmd.CommandTimeout = 600;
            cmd.Parameters.AddWithValue(tenantId);
            cmd.Parameters.AddWithValue(start);
            cmd.Parameters.AddWithValue((int)Math.Min(chunk, rows - start));
            await cmd.ExecuteNonQueryAsync();
        }
        await using var analyze = db.CreateCommand("analyze notifications; analyze notification_events");
        await analyze.ExecuteNonQueryAsync();
    }
}
