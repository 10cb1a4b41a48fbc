using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Npgsql;

namespace NotificationService.Bench.Service;

public sealed record BulkResult(long Rows, long FileBytes, TimeSpan UploadToEnqueued, double BaselineRssMiB, double PeakRssMiB,
    string Status, Percentiles OtherTenantE2eMs, long OtherSent, long OtherDelivered, TimeSpan JitCpu,
    TimeSpan ServiceCpu, TimeSpan PostgresCpu)
{
    public double RowsPerSec => Rows / UploadToEnqueued.TotalSeconds;
    public double ServiceMicrosPerRow => ServiceCpu.TotalMicroseconds / Rows;
    public double PostgresMicrosPerRow => PostgresCpu.TotalMicroseconds / Rows;
}

/// <summary>
/// The issue's bulk scenario: a generated CSV (email, first_name, last_name, locale, order_id) uploaded
/// to a Mode=all service; time from upload start to every row enqueued, the service's RSS growth meanwhile,
/// and another tenant's single-send accept → provider-call latency while the job runs and dispatches.
/// </summary>
public static class BulkRun
{
    private static readonly Guid DemoTenant = Guid.Parse("0000000d-e000-4000-8000-000000000001");
    private static readonly string OtherKey = "nsk_other000_" + new string('B', 43);

    /// <param name="enqueueOnly">Work only the `bulk` queue: the enqueue rate without dispatch competing for the cores.</param>
    public static async Task<BulkResult> MeasureAsync(string dll, string cs, int rows, bool enqueueOnly, TimeSpan jitSettle)
    {
        var file = Path.Combine(Path.GetTempPath(), $"ns-bench-{rows}.csv");
        var bytes = await GenerateAsync(file, rows);
        var warmUpRows = Math.Min(200_000, rows / 5);
        var warmUpFile = Path.Combine(Path.GetTempPath(), $"ns-bench-{warmUpRows}.csv");
        await GenerateAsync(warmUpFile, warmUpRows);
        await using var service = await ServiceProcess.StartAsync(dll, cs, "all",
            enqueueOnly ? new Dictionary<string, string> { ["Queue__Queues__0"] = "bulk" } : null);
        await using var db = NpgsqlDataSource.Create(cs);
        await PrepareAsync(db);

        using var http = new HttpClient { BaseAddress = service.BaseAddress, Timeout = TimeSpan.FromMinutes(10) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ServiceProcess.ApiKey);
        // RSS growth counts from before the warm-up job: stricter than from after it.
        var baseline = service.RssMiB();
        var peak = baseline;
        void Sample() => peak = Math.Max(peak, service.RssMiB());

        // Two unrecorded smaller jobs first: a fresh process spends its first half minute JIT-compiling (the tiered
        // compilation thread took a quarter of the service's CPU 20–30 s after start in a perf profile). With one,
        // the thread still used 6–8 % of the machine during the recorded job: a method reaches tier 1 after two
        // rounds of 30 calls (plain, then instrumented), and the second job makes those calls.
        for (var i = 1; i <= 2; i++)
            await WaitEnqueuedAsync(http, await UploadAsync(http, warmUpFile), warmUpRows, $"bulk warm-up {i}/2", Sample);
        if (!enqueueOnly) await QueueWatch.WaitDrainedAsync(db, TimeSpan.FromSeconds(300), "after the bulk warm-up: waiting for the workers");
        Progress.Show("after the bulk warm-up: waiting for the service's JIT to settle");
        var settled = await service.WaitJitSettledAsync(jitSettle);
        Progress.Show($"after the bulk warm-up: JIT settled in {settled.TotalSeconds:F1} s");

        var meter = await CpuMeter.ForAsync(service.Pid, db);
        var unitMeter = await Costs.UnitMeter.StartAsync(db, enqueueOnly ? "bulk CSV, enqueue alone" : "bulk CSV while dispatching (Mode=all)");
        var (jitBefore, cpuBefore) = (service.JitCpuTime(), meter.Sample());
        var clock = Stopwatch.StartNew();
        var jobId = await UploadAsync(http, file);
        using var stop = new CancellationTokenSource();
        var other = enqueueOnly ? Task.FromResult(new List<Guid>()) : OtherTenantAsync(service.BaseAddress, stop.Token);
        var status = await WaitEnqueuedAsync(http, jobId, rows, "bulk", Sample);
        var enqueued = clock.Elapsed;
        var (jitCpu, cpuAfter) = (service.JitCpuTime() - jitBefore, meter.Sample());
        var (serviceCpu, postgresCpu) = (cpuAfter.Worker - cpuBefore.Worker, cpuAfter.Postgres - cpuBefore.Postgres);
        await unitMeter.StopAsync(rows, "CSV row enqueued");
        if (enqueueOnly) return new BulkResult(rows, bytes, enqueued, baseline, peak, status, new Percentiles([]), 0, 0, jitCpu, serviceCpu, postgresCpu);
        await Task.Delay(Waits.Seconds(5)); // keep the other tenant sending while the bulk rows dispatch
        stop.Cancel();
        var ids = await other;
        var (e2e, delivered) = await OtherLatencyAsync(db, ids);
        return new BulkResult(rows, bytes, enqueued, baseline, peak, status, e2e, ids.Count, delivered, jitCpu, serviceCpu, postgresCpu);
    }

    private static async Task<Guid> UploadAsync(HttpClient http, string file)
    {
        using var form = new MultipartFormDataContent { { new StringContent("email"), "channel" }, { new StringContent("order"), "template" } };
        await using var stream = File.OpenRead(file);
        form.Add(new StreamContent(stream) { Headers = { ContentType = new MediaTypeHeaderValue("text/csv") } }, "file", "orders.csv");
        var upload = await http.PostAsync("api/v1/services/notifications/bulk/csv", form);
        if (!upload.IsSuccessStatusCode) throw new InvalidOperationException($"upload: {(int)upload.StatusCode} {await upload.Content.ReadAsStringAsync()}");
        return JsonDocument.Parse(await upload.Content.ReadAsStringAsync()).RootElement.GetProperty("jobId").GetGuid();
    }

    /// <returns>The job's status once it stopped enqueuing (or after 15 minutes).</returns>
    private static async Task<string> WaitEnqueuedAsync(HttpClient http, Guid jobId, int rows, string label, Action sample)
    {
        var clock = Stopwatch.StartNew();
        string status;
        do
        {
            await Task.Delay(250);
            sample();
            using var doc = JsonDocument.Parse(await http.GetStringAsync($"api/v1/services/notifications/bulk/{jobId}"));
            status = doc.RootElement.GetProperty("status").GetString()!;
            Progress.Show($"{label}: {doc.RootElement.GetProperty("processedRows").GetInt64():N0}/{rows:N0} rows, {status}");
        } while (status is "validating" or "enqueuing" && clock.Elapsed < TimeSpan.FromMinutes(15));
        return status;
    }

    /// <summary>The other tenant sends 20 single emails a second for as long as the bulk job runs.</summary>
    private static async Task<List<Guid>> OtherTenantAsync(Uri baseAddress, CancellationToken stop)
    {
        using var http = new HttpClient { BaseAddress = baseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", OtherKey);
        var ids = new List<Guid>();
        while (!stop.IsCancellationRequested)
        {
            using var content = new StringContent("""{"channel":"email","recipient":{"email":"reset@example.com"},"content":{"subject":"Reset","body":"code 123"}}""",
                Encoding.UTF8, "application/json");
            var response = await http.PostAsync("api/v1/services/notifications/send", content, CancellationToken.None);
            if (response.IsSuccessStatusCode) ids.Add(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetGuid());
            try { await Task.Delay(50, stop); } catch (OperationCanceledException) { }
        }
        return ids;
    }

    private static async Task<(Percentiles, long)> OtherLatencyAsync(NpgsqlDataSource db, List<Guid> ids)
    {
        for (var i = 0; i < 120; i++)
        {
            await using var count = db.CreateCommand("select count(distinct notification_id) from sandbox_messages where notification_id = any($1)");
            count.Parameters.AddWithValue(ids.ToArray());
            if ((long)(await count.ExecuteScalarAsync())! >= ids.Count) break;
            await Task.Delay(500);
        }
        await using var cmd = db.CreateCommand("""
            select extract(epoch from min(s.created_at) - n.created_at) * 1000.0 from notifications n
            join sandbox_messages s on s.notification_id = n.id where n.id = any($1) group by n.id, n.created_at
            """);
        cmd.Parameters.AddWithValue(ids.ToArray());
        var values = new List<double>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) values.Add(Convert.ToDouble(r.GetValue(0)));
        return (new Percentiles(values), values.Count);
    }

    /// <summary>The demo tenant's `order` template, and a second tenant with its own key and sandbox provider.</summary>
    private static async Task PrepareAsync(NpgsqlDataSource db)
    {
        var other = Guid.NewGuid();
        await using var cmd = db.CreateCommand("""
            with t as (insert into templates (id, tenant_id, key, channel, locale, published_version_id) values (gen_random_uuid(), $1, 'order', 'email', 'en', $2) returning id)
            insert into template_versions (id, template_id, tenant_id, version, parts)
            select $2, id, $1, 1, '{"subject": "Order {{order_id}}", "html": "<p>Hi {{first_name}} {{last_name}}</p>"}' from t
            """);
        cmd.Parameters.AddWithValue(DemoTenant);
        cmd.Parameters.AddWithValue(Guid.NewGuid());
        await cmd.ExecuteNonQueryAsync();
        string[] statements =
        [
            "insert into tenants (id, name) values ($1, 'other')",
            "insert into service_accounts (id, tenant_id, name, key_prefix, key_hash, scopes) values (gen_random_uuid(), $1, 'bench', $2, $3, array['admin'])",
            "insert into providers (id, tenant_id, channel, kind, name) values (gen_random_uuid(), $1, 'email', 'sandbox', 'sandbox')",
        ];
        foreach (var sql in statements)
        {
            await using var tenant = db.CreateCommand(sql);
            tenant.Parameters.AddWithValue(other);
            if (sql.Contains("$2")) { tenant.Parameters.AddWithValue(OtherKey[..12]); tenant.Parameters.AddWithValue(SHA256.HashData(Encoding.UTF8.GetBytes(OtherKey))); }
            await tenant.ExecuteNonQueryAsync();
        }
    }

    private static async Task<long> GenerateAsync(string path, int rows)
    {
        if (File.Exists(path)) return new FileInfo(path).Length;
        Progress.Show($"generating a {rows:N0}-row CSV");
        await using (var w = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20))
        {
            await w.WriteAsync("email,first_name,last_name,locale,order_id\n");
            string[] locales = ["en", "fr", "en-GB", "fr-CA"];
            for (var i = 0; i < rows; i++) await w.WriteAsync($"customer{i}@example.com,First{i},Last{i},{locales[i % 4]},ORD-{i:D8}\n");
        }
        return new FileInfo(path).Length;
    }
}
