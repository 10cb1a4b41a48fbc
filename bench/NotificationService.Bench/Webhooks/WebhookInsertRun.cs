using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Npgsql;
using NotificationService.Bench.Service;

namespace NotificationService.Bench.Webhooks;

public sealed record WebhookInsertRound(string Arm, double RowsPerSec);

public sealed record WebhookInsertResult(IReadOnlyList<WebhookInsertRound> Rounds, double LoadAverage)
{
    public double Before => Rounds.Where(r => r.Arm == WebhookInsertRun.Before).Average(r => r.RowsPerSec);
    public double After => Rounds.Where(r => r.Arm == WebhookInsertRun.After).Average(r => r.RowsPerSec);
    public double Ratio => After / Before;
}

/// <summary>
/// What recording a delivery's notification (migration 470) costs the delivery insert, which runs inside the ledger's
/// transaction on the accept and worker paths. The real schema (the service migrates a fresh database, then stops);
/// then rounds of the store's own statement, 100 rows per transaction from 4 connections (the batch-insert ceiling's
/// shape), alternating: "before" = the 5-column insert with the partial index dropped, "after" = the 6-column insert
/// with the (tenant_id, notification_id) index in place. The table is emptied before every round.
/// </summary>
public static class WebhookInsertRun
{
    public const string Before = "before", After = "after";
    private const string Index = "webhook_deliveries_tenant_notification_idx";
    private static readonly string Payload = """{"type":"notification.sent","timestamp":"2026-11-23T01:00:00.000Z","data":{"notificationId":"0193a4b2-7c1d-7e00-8000-000000000000","channel":"email","status":"sent","previousStatus":"sending","recipient":{"email":"a***@example.com"},"metadata":{"order":"42"},"error":null}}""";

    public static async Task<WebhookInsertResult> MeasureAsync(string dll, string connectionString, TimeSpan roundDuration, int pairs)
    {
        await using var db = NpgsqlDataSource.Create(connectionString);
        await using (var api = await ServiceProcess.StartAsync(dll, connectionString, "api", new Dictionary<string, string>
                     { ["Webhooks__AllowedTargets"] = "127.0.0.1", ["ASPNETCORE_ENVIRONMENT"] = "Development" }))
        {
            using var http = new HttpClient { BaseAddress = api.BaseAddress };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ServiceProcess.ApiKey);
            var created = await http.PostAsJsonAsync("api/v1/admin/webhooks", new { url = "http://127.0.0.1:9/hook", events = new[] { "notification.sent" } });
            if (!created.IsSuccessStatusCode) throw new InvalidOperationException($"endpoint registration failed: {await created.Content.ReadAsStringAsync()}");
        }
        Guid tenant, endpoint;
        await using (var cmd = db.CreateCommand("select tenant_id, id from webhook_endpoints where url = 'http://127.0.0.1:9/hook'"))
        await using (var r = await cmd.ExecuteReaderAsync()) { await r.ReadAsync(); (tenant, endpoint) = (r.GetGuid(0), r.GetGuid(1)); }

        var rounds = new List<WebhookInsertRound>();
        var load = double.NaN;
        for (var pair = 0; pair < pairs; pair++)
            foreach (var arm in pair % 2 == 0 ? new[] { Before, After } : [After, Before])   // each arm goes first in half the pairs
            {
                await ExecAsync(db, "truncate webhook_deliveries cascade");
                await ExecAsync(db, arm == After ? $"create index if not exists {Index} on webhook_deliveries (tenant_id, notification_id) where notification_id is not null"
                    : $"drop index if exists {Index}");
                var unitMeter = await Costs.UnitMeter.StartAsync(db, $"webhook-insert {arm} migration 470 (statements direct, no service)");
                var round = await RoundAsync(db, arm, tenant, endpoint, roundDuration, $"webhook insert {pair + 1}/{pairs} {arm}");
                await unitMeter.StopAsync(round.Rows, "row inserted");
                rounds.Add(new WebhookInsertRound(arm, round.PerSec));
                if (double.IsNaN(load)) load = LoadAverage.Now();
            }
        return new WebhookInsertResult(rounds, load);
    }

    private static async Task<(double PerSec, long Rows)> RoundAsync(NpgsqlDataSource db, string arm, Guid tenant, Guid endpoint, TimeSpan duration, string label)
    {
        long total = 0;
        var sw = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, BenchOptions.BatchInsertConnections).Select(_ => Task.Run(async () =>
        {
            await using var conn = await db.OpenConnectionAsync();
            // WebhookDeliveryStore.InsertAsync's statement, without and with the notification column.
            await using var cmd = new NpgsqlCommand(arm == After ? """
                insert into webhook_deliveries (id, tenant_id, endpoint_id, event_type, payload, notification_id)
                select * from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::uuid[])
                """ : """
                insert into webhook_deliveries (id, tenant_id, endpoint_id, event_type, payload)
                select * from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[])
                """, conn);
            var n = BenchOptions.BatchSize;
            var ids = cmd.Parameters.AddWithValue(Array.Empty<Guid>());
            cmd.Parameters.AddWithValue(Enumerable.Repeat(tenant, n).ToArray());
            cmd.Parameters.AddWithValue(Enumerable.Repeat(endpoint, n).ToArray());
            cmd.Parameters.AddWithValue(Enumerable.Repeat("notification.sent", n).ToArray());
            cmd.Parameters.AddWithValue(Enumerable.Repeat(Payload, n).ToArray());
            var notifications = arm == After ? cmd.Parameters.AddWithValue(Array.Empty<Guid?>()) : null;
            while (sw.Elapsed < duration)
            {
                ids.Value = Enumerable.Range(0, n).Select(_ => Guid.CreateVersion7()).ToArray();
                if (notifications is not null) notifications.Value = Enumerable.Range(0, n).Select(_ => (Guid?)Guid.CreateVersion7()).ToArray();
                await cmd.ExecuteNonQueryAsync();
                Interlocked.Add(ref total, n);
            }
        })).ToArray();
        var all = Task.WhenAll(workers);
        while (await Task.WhenAny(all, Task.Delay(250)) != all) Progress.Show($"{label}: {Interlocked.Read(ref total):N0} rows ({sw.Elapsed.TotalSeconds:0}/{duration.TotalSeconds:0} s)");
        await all;
        return (total / sw.Elapsed.TotalSeconds, total);
    }

    private static async Task ExecAsync(NpgsqlDataSource db, string sql)
    {
        await using var cmd = db.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }
}
