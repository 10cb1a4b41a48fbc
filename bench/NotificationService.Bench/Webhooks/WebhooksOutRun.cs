using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;
using NotificationService.Bench.Service;

namespace NotificationService.Bench.Webhooks;

/// <param name="WarmUp">What the worker delivered, untimed, before the timed deliveries fell due (null: a cold worker was timed).</param>
public sealed record WebhooksOutResult(int Deliveries, TimeSpan DrainTime, long Received, long Verified, long BadSignatures, long Succeeded, bool Drained, double LoadAverage,
    WebhooksOutWarmUp? WarmUp = null)
{
    public double PerSec => Succeeded / DrainTime.TotalSeconds;
}

/// <param name="JitSettle">How long the worker's tiered JIT took to go idle after the warm-up.</param>
/// <param name="JitDuring">The JIT's CPU during the timed deliveries.</param>
public sealed record WebhooksOutWarmUp(int Deliveries, TimeSpan DeliveryTime, TimeSpan JitSettle, TimeSpan JitDuring);

/// <summary>
/// Outgoing webhook throughput: a Mode=api process registers an endpoint on the bench's loopback receiver
/// and accepts one send, which writes a real `notification.accepted` delivery; the harness clones that
/// delivery and its job set-based, N due at once and N more held a while, then a Mode=worker process serving only
/// the `webhooks` queue signs and POSTs them. The first N are its warm-up (untimed: a cold worker spends its first
/// seconds in the JIT, as the dispatch and callback phases found); once it is delivered, the JIT idle and the tables
/// vacuumed, the held deliveries fall due by themselves (at smoke size the bench releases them). The clock runs from the first of them delivered to an empty queue.
/// </summary>
public static class WebhooksOutRun
{
    private static readonly Dictionary<string, string> Env = new()
    {
        ["Webhooks__AllowedTargets"] = "127.0.0.1",
        ["ASPNETCORE_ENVIRONMENT"] = "Development",   // http (not https) receiver URLs are accepted only in Development
        ["Queue__Queues__0"] = "webhooks",
    };

    public static async Task<WebhooksOutResult> MeasureAsync(string dll, string connectionString, int deliveries, BenchOptions options)
    {
        var plan = DispatchWarmUp.Plan.For(deliveries, options);
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
            Progress.Show($"webhooks out: enqueuing {plan.Notifications + deliveries:N0} deliveries");
            await CloneAsync(db, plan.Notifications - 1, null);   // the real one is the warm-up's first
            await CloneAsync(db, deliveries, plan.DueAt());
        }
        if (await PendingAsync(db) != plan.Notifications + deliveries)
            throw new InvalidOperationException($"expected {plan.Notifications + deliveries} webhook jobs, found {await PendingAsync(db)}");

        Progress.Show("webhooks out: starting the service in Mode=worker (webhooks queue only)");
        await using var worker = await ServiceProcess.StartAsync(dll, connectionString, "worker", Env);
        var (warmTime, settle) = await DispatchWarmUp.SettleAsync(db, worker, plan, () => PendingAsync(db, dueOnly: true),
            "jobs, webhook_deliveries, webhook_attempts", "webhooks out");
        if (await PendingAsync(db) != deliveries)
            throw new InvalidOperationException($"webhooks out: the held deliveries fell due before the warm-up ended; hold them longer than {plan.Hold.TotalSeconds:0} s");
        var receivedBefore = receiver.Received;
        await using (var count = db.CreateCommand("select count(*) from webhook_deliveries where status = 'succeeded'"))
            if ((long)(await count.ExecuteScalarAsync())! != plan.Notifications) throw new InvalidOperationException("webhooks out: the warm-up did not succeed");

        Progress.Show($"webhooks out: warm-up done; the timed deliveries {plan.TimedStart}");
        await DispatchWarmUp.ReleaseHeldAsync(db, plan);
        var clock = Stopwatch.StartNew();
        TimeSpan? first = null, last = null;
        var load = double.NaN;
        Costs.UnitMeter? unitMeter = null;
        long leftAtFirst = 0;
        var jitBefore = worker.JitCpuTime();
        while (clock.Elapsed < plan.Hold + TimeSpan.FromMinutes(5))
        {
            var left = await PendingAsync(db);
            if (left < deliveries && first is null)
            {
                (first, leftAtFirst) = (clock.Elapsed, left);
                unitMeter = await Costs.UnitMeter.StartAsync(db, "webhooks out (Mode=worker, loopback receiver)");
            }
            if (left <= deliveries / 2 && double.IsNaN(load)) load = LoadAverage.Now();
            Progress.Show($"webhooks out: {deliveries - left:N0}/{deliveries:N0} delivered, receiver got {receiver.Received - receivedBefore:N0}");
            if (left == 0)
            {
                last = clock.Elapsed;
                if (unitMeter is not null) await unitMeter.StopAsync(leftAtFirst, "webhook delivered");
                break;
            }
            // Every 50 ms where the clock starts and stops, every 250 ms between: the count reads `jobs` with the claimed
            // and deleted rows not yet pruned, and its PostgreSQL time is counted in the cost per delivery (DispatchRun).
            await Task.Delay(first is null || left < deliveries / 10 ? 50 : 250);
        }
        var jitDuring = worker.JitCpuTime() - jitBefore;
        await using var succeededCount = db.CreateCommand("select count(*) from webhook_deliveries where status = 'succeeded'");
        var succeeded = (long)(await succeededCount.ExecuteScalarAsync())! - plan.Notifications;
        return new WebhooksOutResult(deliveries, (last ?? clock.Elapsed) - (first ?? TimeSpan.Zero), receiver.Received - receivedBefore,
            receiver.Verified, receiver.BadSignatures, succeeded, last is not null, load, new WebhooksOutWarmUp(plan.Notifications, warmTime, settle, jitDuring));
    }

    /// <param name="dueOnly">Only what is due now (not the held timed deliveries).</param>
    private static async Task<long> PendingAsync(NpgsqlDataSource db, bool dueOnly = false)
    {
        await using var cmd = db.CreateCommand("/* bench */ select count(*) from jobs where queue = 'webhooks' and (not $1 or run_at <= now())");
        cmd.Parameters.AddWithValue(dueOnly);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>Copies the one real delivery (same endpoint, notification and payload bytes) with one job each, due at
    /// <paramref name="dueAt"/> (null: now); time-ordered (UUIDv7) ids like the service's own, so the primary key sees
    /// the inserts and look-ups it sees in production rather than random ones.</summary>
    private static async Task CloneAsync(NpgsqlDataSource db, int copies, DateTimeOffset? dueAt)
    {
        await using var cmd = db.CreateCommand("""
            with src as (
                select d.tenant_id, d.endpoint_id, d.event_type, d.payload, d.notification_id, j.kind, j.max_attempts
                from webhook_deliveries d join jobs j on j.queue = 'webhooks' and (j.args->>'d')::uuid = d.id limit 1
            ), d as (
                insert into webhook_deliveries (id, tenant_id, endpoint_id, event_type, payload, notification_id)
                select ids.id, src.tenant_id, src.endpoint_id, src.event_type, src.payload, src.notification_id
                from unnest($1::uuid[]) as ids(id) cross join src
                returning id, tenant_id
            )
            insert into jobs (queue, kind, tenant_id, args, max_attempts, run_at)
            select 'webhooks', src.kind, d.tenant_id, jsonb_build_object('d', d.id), src.max_attempts, coalesce($2, now()) from d cross join src
            """);
        cmd.Parameters.AddWithValue(Enumerable.Range(0, copies).Select(_ => Guid.CreateVersion7()).ToArray());
        cmd.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.TimestampTz, (object?)dueAt ?? DBNull.Value);
        cmd.CommandTimeout = 300;
        await cmd.ExecuteNonQueryAsync();
    }
}
