using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;

namespace NotificationService.Bench.Service;

/// <summary>Sizes of the topics phase: `--topic-members N` (fan-out), `--topic-streams N` (live events), `--topic-event-seconds N`.</summary>
public sealed record TopicsBenchOptions(int Members, int Streams, TimeSpan EventsDuration, int AcceptSends, TimeSpan JitSettleTimeout)
{
    /// <param name="smoke">The least that runs every step (`--smoke`: figures meaningless), below `--quick`'s sizes.</param>
    public static TopicsBenchOptions Parse(string[] args, bool quick, bool smoke = false) => new(
        Arg(args, "--topic-members") ?? (smoke ? 2_000 : quick ? 100_000 : 1_000_000),
        Arg(args, "--topic-streams") ?? (smoke ? 200 : quick ? 1_000 : 10_000),
        TimeSpan.FromSeconds(Arg(args, "--topic-event-seconds") ?? (smoke ? 1 : quick ? 5 : 20)),
        quick ? 100 : 500,
        smoke ? TimeSpan.Zero : TimeSpan.FromSeconds(30));

    private static int? Arg(string[] args, string name) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var v) ? v : null;
}

/// <param name="JitSettle">From the warm-up fan-out's end until the service's JIT was idle (the timed fan-out starts then).</param>
/// <param name="JitDuring">CPU the tiered-compilation thread used during the timed fan-out (near zero when it measured warm code).</param>
public sealed record TopicFanOutResult(long Members, double Seconds, double StatusSeconds, Percentiles AcceptBigMs, Percentiles AcceptSmallMs,
    TimeSpan JitSettle, TimeSpan JitDuring)
{
    public double NotificationsPerSec => Members / Seconds;
}

/// <summary>
/// Issue 32's fan-out: a topic of <c>members</c> members (written directly: the membership API is not what is measured)
/// sent one in_app notification each, by a Mode=all service that works only the `fanout` queue (the rate of creating
/// notifications, without their delivery competing for the cores, as the bulk phase's "enqueue alone" does). After one
/// unrecorded fan-out of a quarter of the size and 100 reads of its status, and once the JIT has gone idle after them: a
/// perf profile of the timed fan-out right after the warm-up found the tiered-compilation thread at a tenth of the host.
/// Then, with a Mode=api service on the same database (no worker, so nothing expands), the accept latency of a send to
/// that topic beside a send to a 10-member topic: the answer must not depend on the size.
/// </summary>
public static class TopicsFanOutRun
{
    private static readonly Guid DemoTenant = Guid.Parse("0000000d-e000-4000-8000-000000000001");

    public static async Task<TopicFanOutResult> MeasureAsync(string dll, string cs, int members, int acceptSends, TimeSpan jitSettleTimeout)
    {
        double seconds, statusSeconds;
        TimeSpan jitSettle, jitDuring;
        await using (var service = await ServiceProcess.StartAsync(dll, cs, "all", new Dictionary<string, string> { ["Queue__Queues__0"] = "fanout" }))
        {
            using var http = Client(service);
            await using var db = NpgsqlDataSource.Create(cs);
            await TopicAsync(http, db, "warm-up", Math.Max(1_000, members / 4));
            await TopicAsync(http, db, "big", members);
            await TopicAsync(http, db, "small", 10);
            var warmUp = await FanOutAsync(http, "warm-up", "topics: warm-up fan-out");
            // The timed fan-out's progress is polled 5 times a second: without this, the status endpoint's code reached
            // its 30 calls (and the JIT recompiled it) during the timed fan-out, at ~1 s of the JIT's CPU.
            for (var i = 0; i < 100; i++) (await http.GetAsync($"api/v1/services/notifications/fan-outs/{warmUp}")).EnsureSuccessStatusCode();
            jitSettle = await service.WaitJitSettledAsync(jitSettleTimeout);
            var jitBefore = service.JitCpuTime();
            var cost = await Costs.UnitMeter.StartAsync(db, "topics: fan-out (Mode=all, only the fanout queue)");
            var clock = Stopwatch.StartNew();
            var id = await FanOutAsync(http, "big", $"topics: fan-out to {members:N0} members");
            seconds = clock.Elapsed.TotalSeconds;
            jitDuring = service.JitCpuTime() - jitBefore;
            await cost.StopAsync(members, "notification created");
            await using var cmd = db.CreateCommand("select extract(epoch from finished_at - started_at)::float8 from fan_outs where id = $1");
            cmd.Parameters.AddWithValue(id);
            statusSeconds = (double)(await cmd.ExecuteScalarAsync())!;
        }

        await using var api = await ServiceProcess.StartAsync(dll, cs, "api");
        using var client = Client(api);
        for (var i = 0; i < 50; i++) await AcceptAsync(client, i % 2 == 0 ? "big" : "small");   // unrecorded: JIT
        var big = new List<double>();
        var small = new List<double>();
        for (var i = 0; i < acceptSends; i++)
        {
            (i % 2 == 0 ? big : small).Add(await AcceptAsync(client, i % 2 == 0 ? "big" : "small"));
            if (i % 50 == 0) Progress.Show($"topics: accept latency, {i:N0} / {acceptSends:N0} sends");
        }
        Progress.Done();
        return new TopicFanOutResult(members, seconds, statusSeconds, new Percentiles(big), new Percentiles(small), jitSettle, jitDuring);
    }

    private static HttpClient Client(ServiceProcess service)
    {
        var http = new HttpClient { BaseAddress = service.BaseAddress, Timeout = TimeSpan.FromMinutes(10) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ServiceProcess.ApiKey);
        return http;
    }

    private static async Task TopicAsync(HttpClient http, NpgsqlDataSource db, string key, int members)
    {
        (await http.PutAsJsonAsync($"api/v1/services/topics/{key}", new { name = key })).EnsureSuccessStatusCode();
        Progress.Show($"topics: writing {members:N0} members of '{key}'");
        await using var fill = db.CreateCommand("""
            with m as (insert into topic_members (tenant_id, topic_key, user_id)
                       select $1, $2, $2 || '-' || lpad(g::text, 7, '0') from generate_series(1, $3) g returning 1)
            update topics set member_count = (select count(*) from m) where tenant_id = $1 and key = $2
            """);
        fill.CommandTimeout = 0;
        fill.Parameters.AddWithValue(DemoTenant);
        fill.Parameters.AddWithValue(key);
        fill.Parameters.AddWithValue(members);
        await fill.ExecuteNonQueryAsync();
        await using var analyze = db.CreateCommand("analyze topic_members");
        await analyze.ExecuteNonQueryAsync();
    }

    private static async Task<Guid> FanOutAsync(HttpClient http, string topic, string label)
    {
        using var sent = await http.PostAsJsonAsync("api/v1/services/notifications/send", Send(topic));
        if (sent.StatusCode != HttpStatusCode.Accepted) throw new InvalidOperationException($"topic send answered {(int)sent.StatusCode}: {await sent.Content.ReadAsStringAsync()}");
        var id = (await sent.Content.ReadFromJsonAsync<JsonNode>())!["id"]!.GetValue<Guid>();
        while (true)
        {
            var status = (await http.GetFromJsonAsync<JsonNode>($"api/v1/services/notifications/fan-outs/{id}"))!;
            var state = status["status"]!.GetValue<string>();
            Progress.Show($"{label}: {status["membersDone"]} / {status["membersTotal"]} members, {status["rowsPerSecond"]} rows/s, {state}");
            if (state == "completed") return id;
            if (state is "failed" or "cancelled") throw new InvalidOperationException($"fan-out {state}: {status["error"]}");
            await Task.Delay(200);
        }
    }

    private static object Send(string topic) => new
    {
        channel = "in_app", recipient = new { topics = new[] { topic } }, content = new { subject = "Notice", body = "Water off in building 12 tomorrow" },
    };

    private static async Task<double> AcceptAsync(HttpClient http, string topic)
    {
        var t0 = Stopwatch.GetTimestamp();
        using var res = await http.PostAsJsonAsync("api/v1/services/notifications/send", Send(topic));
        if (res.StatusCode != HttpStatusCode.Accepted) throw new InvalidOperationException($"topic send answered {(int)res.StatusCode}");
        return Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
    }
}
