using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;
using NotificationService.Bench.Service;

namespace NotificationService.Bench.Webhooks;

public sealed record WebhooksOutResult(int Deliveries, TimeSpan DrainTime, long Received, long Verified, long BadSignatures, long Succeeded, bool Drained, double LoadAverage)
{
    public double PerSec => Succeeded / DrainTime.TotalSeconds;
}

/// <summary>
/// Outgoing webhook throughput: a Mode=api process registers an endpoint on the bench's loopback receiver
/// and accepts one send, which writes a real `notification.accepted` delivery; the harness clones that
/// delivery and its job set-based into N, then a Mode=worker process serving only the `webhooks` queue
/// signs and POSTs them. The clock runs from the first delivered job to an empty `webhooks` queue.
/// </summary>
public static class WebhooksOutRun
{
    private static readonly Dictionary<string, string> Env = new()
    {
        ["Webhooks__AllowedTargets"] = "127.0.0.1",
        ["ASPNETCORE_ENVIRONMENT"] = "Development",   // http (not https) receiver URLs are accepted only in Development
        ["Queue__Queues__0"] = "webhooks",
    };

    public static async Task<WebhooksOutResult> MeasureAsync(string dll, string connectionString, int deliveries)
    {
        await using var db = NpgsqlDataSource.Create(connectionString);
        await using var receiver = await WebhookReceiver.StartAsync();
        await using (var api = await ServiceProcess.StartAsync(dll, connectionString, "api", Env))
        {
            using var http = new HttpClient { BaseAddress = api.BaseAddress };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ServiceProcess.ApiKey);
            var created = await http.PostAsJsonAsync("api/v1/admin/webhooks", new { url = receiver.Url, events = new[] { "notification.accepted" } });
            if (!created.IsSuccessStatusCode) throw new InvalidOperationException($"endpoint registration failed: {await created.Content.ReadAsStringAsync()}");
            receiver.UseSecret((await created.Content.ReadFromJsonAsync<JsonObject>())!["secret"]!.GetValue<string>());
            using var client = new SendClient(api.BaseAddress, 1);
            _ = await client.SendAsync() ?? throw new InvalidOperationException($"sample send failed: {await client.DescribeFailureAsync()}");
            Progress.Show($"webhooks out: enqueuing {deliveries:N0} deliveries");
            await CloneAsync(db, deliveries - 1);
        }
        if (await PendingAsync(db) != deliveries) throw new InvalidOperationException($"expected {deliveries} webhook jobs, found {await PendingAsync(db)}");

        Progress.Show("webhooks out: starting the service in Mode=worker (webhooks queue only)");
        var clock = Stopwatch.StartNew();
        TimeSpan? first = null, last = null;
        var load = double.NaN;
        Costs.UnitMeter? unitMeter = null;
        long leftAtFirst = 0;
        var watcher = Task.Run(async () =>
        {
            while (clock.Elapsed < TimeSpan.FromMinutes(5))
            {
                var left = await PendingAsync(db);
                if (left < deliveries && first is null)
                {
                    (first, leftAtFirst) = (clock.Elapsed, left);
                    unitMeter = await Costs.UnitMeter.StartAsync(db, "webhooks out (Mode=worker, loopback receiver)");
                }
                if (left <= deliveries / 2 && double.IsNaN(load)) load = LoadAverage.Now();
                Progress.Show($"webhooks out: {deliveries - left:N0}/{deliveries:N0} delivered, receiver got {receiver.Received:N0}");
                if (left == 0)
                {
                    last = clock.Elapsed;
                    if (unitMeter is not null) await unitMeter.StopAsync(leftAtFirst, "webhook delivered");
                    return;
                }
                await Task.Delay(50);
            }
        });
        await using (var worker = await ServiceProcess.StartAsync(dll, connectionString, "worker", Env)) await watcher;
        await using var count = db.CreateCommand("select count(*) from webhook_deliveries where status = 'succeeded'");
        var succeeded = (long)(await count.ExecuteScalarAsync())!;
        return new WebhooksOutResult(deliveries, (last ?? clock.Elapsed) - (first ?? TimeSpan.Zero), receiver.Received, receiver.Verified, receiver.BadSignatures,
            succeeded, last is not null, load);
    }

    private static async Task<long> PendingAsync(NpgsqlDataSource db)
    {
        await using var cmd = db.CreateCommand("select count(*) from jobs where queue = 'webhooks'");
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>Copies the one real delivery (same endpoint, same payload bytes) with fresh ids and one job each.</summary>
    private static async Task CloneAsync(NpgsqlDataSource db, int copies)
    {
        await using var cmd = db.CreateCommand("""
            with src as (
                select d.tenant_id, d.endpoint_id, d.event_type, d.payload, j.kind, j.max_attempts
                from webhook_deliveries d join jobs j on j.queue = 'webhooks' and (j.args->>'d')::uuid = d.id limit 1
            ), d as (
                insert into webhook_deliveries (id, tenant_id, endpoint_id, event_type, payload)
                select gen_random_uuid(), src.tenant_id, src.endpoint_id, src.event_type, src.payload from generate_series(1, $1) cross join src
                returning id, tenant_id
            )
            insert into jobs (queue, kind, tenant_id, args, max_attempts)
            select 'webhooks', src.kind, d.tenant_id, jsonb_build_object('d', d.id), src.max_attempts from d cross join src
            """);
        cmd.Parameters.AddWithValue(copies);
        cmd.CommandTimeout = 300;
        await cmd.ExecuteNonQueryAsync();
    }
}
