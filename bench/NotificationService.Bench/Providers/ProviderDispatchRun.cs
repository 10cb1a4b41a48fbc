using System.Diagnostics;
using Npgsql;
using NotificationService.Bench.Service;

namespace NotificationService.Bench.Providers;

/// <summary>One provider's drain: what its fake received, what the database says was sent, and the machine's load meanwhile.</summary>
public sealed record ProviderDispatchResult(string Provider, string Channel, int Messages, FakeCounts Counts, long Sent, long Dead,
    bool Drained, TimeSpan LaunchToFirstRequest, string LoadBefore, string LoadAfter, CpuPerMessage WholeDrain, CpuPerMessage SecondHalf);

/// <summary>Microseconds of CPU per message for each party; their sum bounds the rate two otherwise idle cores could reach.</summary>
public sealed record CpuPerMessage(double Worker, double Postgres, double Bench)
{
    public double Total => Worker + Postgres + Bench;
    public double TwoCoreBoundPerSec => 2_000_000 / Total;

    public static CpuPerMessage Between((CpuSample Cpu, long Accepted)? from, CpuSample to, long acceptedAtEnd)
    {
        if (from is not { } f || acceptedAtEnd <= f.Accepted) return new(double.NaN, double.NaN, double.NaN);
        double PerMessage(TimeSpan a, TimeSpan b) => (b - a).TotalMicroseconds / (acceptedAtEnd - f.Accepted);
        return new(PerMessage(f.Cpu.Worker, to.Worker), PerMessage(f.Cpu.Postgres, to.Postgres), PerMessage(f.Cpu.Bench, to.Bench));
    }
}

/// <summary>
/// Dispatch through real adapters to loopback fakes of SendGrid and Twilio. A Mode=api process serves the
/// set-up (tenant, provider configs through the admin API, N emails and N SMS through send-batch); then, per
/// provider, a fresh Mode=worker process serving only that channel's queue drains it, so each provider's figure
/// is its own path and not half of a shared two cores. The rate is what the fake accepted, first to last request.
/// The chat kinds follow, each in a tenant of its own whose messages wait (sendAt) until their drain makes them due, so
/// each kind's worker drains that kind's messages alone from the one chat queue.
/// </summary>
public static class ProviderDispatchRun
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The fakes listen on 127.0.0.1, which the outbound guard refuses by default (a tenant's provider base URL must not
    /// reach inside): the operator's allow-list admits loopback for these processes only, as an on-premise relay would be.
    /// </summary>
    private static readonly Dictionary<string, string> AllowLoopback = new() { ["Outbound__AllowedTargets"] = "127.0.0.1" };

    public static readonly string[] ChatKinds = ["slack", "slack_webhook", "teams_webhook", "discord_webhook"];

    public static async Task<IReadOnlyList<ProviderDispatchResult>> MeasureAsync(string dll, string connectionString, int messagesPerProvider)
    {
        await using var sendGrid = await SendGridFake.StartAsync();
        await using var twilio = await TwilioFake.StartAsync();
        var chat = new Dictionary<string, LoopbackFake>();
        foreach (var kind in ChatKinds) chat[kind] = await ChatFake.StartAsync(kind);
        await using var db = NpgsqlDataSource.Create(connectionString);
        // Loopback allowed, and each chat kind sent to its fake by the operator's setting (a tenant cannot point one).
        var settings = new Dictionary<string, string>(AllowLoopback);
        foreach (var (kind, fake) in chat) settings[$"Providers__ChatDoubles__{kind}"] = fake.BaseUrl;
        var chatTenants = new Dictionary<string, Guid>();

        try
        {
            Progress.Show("providers: starting the service in Mode=api");
            await using (var api = await ServiceProcess.StartAsync(dll, connectionString, "api", settings))
            {
                var tenant = await BenchTenant.CreateAsync(api);
                using var http = tenant.Client(api.BaseAddress);
                await tenant.AddProvidersAsync(http, sendGrid.BaseUrl, twilio.BaseUrl);
                await ProviderEnqueue.EnqueueAsync(http, "email", messagesPerProvider);
                await ProviderEnqueue.EnqueueAsync(http, "sms", messagesPerProvider);
                foreach (var kind in ChatKinds)
                {
                    var own = await BenchTenant.CreateAsync(api, $"Bench {kind}");
                    using var ownHttp = own.Client(api.BaseAddress);
                    // An `--ab` base older than the chat channel refuses the kind: its figures are n/a, the others still compare.
                    try { await own.AddChatProviderAsync(ownHttp, kind); }
                    catch (InvalidOperationException e) when (e.Message.StartsWith("creating a provider config: 400", StringComparison.Ordinal))
                    {
                        Progress.Show($"providers: this build has no {kind} provider: skipped");
                        continue;
                    }
                    await ProviderEnqueue.EnqueueAsync(ownHttp, "chat", messagesPerProvider, kind, sendAt: DateTimeOffset.UtcNow.AddDays(1));
                    chatTenants[kind] = own.TenantId;
                }
            }
            foreach (var channel in new[] { "email", "sms" })
                if (await LeftAsync(db, channel) is var queued && queued != messagesPerProvider)
                    throw new InvalidOperationException($"expected {messagesPerProvider} queued {channel} messages in jobs, found {queued}");
            var results = new List<ProviderDispatchResult>
            {
                await DrainAsync(dll, connectionString, db, sendGrid, "email", messagesPerProvider, settings),
                await DrainAsync(dll, connectionString, db, twilio, "sms", messagesPerProvider, settings),
            };
            foreach (var kind in ChatKinds.Where(chatTenants.ContainsKey))
            {
                await MakeDueAsync(db, chatTenants[kind]);
                results.Add(await DrainAsync(dll, connectionString, db, chat[kind], "chat", messagesPerProvider, settings, chatTenants[kind]));
            }
            return results;
        }
        finally
        {
            foreach (var fake in chat.Values) await fake.DisposeAsync();
        }
    }

    /// <summary>A chat kind's held messages become due now, for its drain.</summary>
    private static async Task MakeDueAsync(NpgsqlDataSource db, Guid tenantId)
    {
        await using var cmd = db.CreateCommand("update jobs set run_at = now() where tenant_id = $1 and queue = 'chat' and state = 'ready'");
        cmd.Parameters.AddWithValue(tenantId);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <param name="tenantId">The one tenant whose messages this drain counts (chat: a tenant per kind); null: all.</param>
    private static async Task<ProviderDispatchResult> DrainAsync(string dll, string connectionString, NpgsqlDataSource db, LoopbackFake fake, string channel,
        int messages, Dictionary<string, string> settings, Guid? tenantId = null)
    {
        // Before each drain, not once: the first drain leaves dead tuples behind, and autovacuum cleaning them up
        // during the second would be charged to the second provider.
        await VacuumAsync(db);
        fake.Reset(halfMark: messages / 2); // the set-up's test send is not part of the run
        var loadBefore = LoadAverage();
        var launchedAt = fake.Elapsed;
        Progress.Show($"providers: starting a Mode=worker process for the {channel} queue");
        var clock = Stopwatch.StartNew();
        await using var worker = await ServiceProcess.StartAsync(dll, connectionString, "worker",
            new Dictionary<string, string>(settings) { ["Queue__Queues__0"] = channel });
        var meter = await CpuMeter.ForAsync(worker.Pid, db);
        Costs.UnitMeter? unitMeter = null;
        var drained = false;
        // CPU from the first observed send on (start-up excluded), and from the half-way mark (warmer).
        (CpuSample Cpu, long Accepted)? atStart = null, atHalf = null;
        for (var tick = 0; clock.Elapsed < DrainTimeout; tick++)
        {
            var accepted = fake.Accepted;
            if (atStart is null && accepted > 0)
            {
                atStart = (meter.Sample(), accepted);
                unitMeter = await Costs.UnitMeter.StartAsync(db, $"providers: {fake.Provider} ({channel}, Mode=worker)");
            }
            if (atHalf is null && accepted >= messages / 2) atHalf = (meter.Sample(), accepted);
            // The fake's counter is free to read; the jobs table is counted only near the end (and every 2 s in case
            // some jobs never reach the fake), so the harness's own queries barely load PostgreSQL during the drain.
            if (accepted >= messages || tick % 20 == 0)
            {
                var left = await LeftAsync(db, channel, tenantId);
                if (left == 0) { drained = true; break; }
            }
            Progress.Show($"providers: {fake.Provider} accepted {accepted:N0}/{messages:N0} ({clock.Elapsed.TotalSeconds:0.0} s)");
            await Task.Delay(100);
        }
        var counts = fake.Snapshot();
        var end = meter.Sample();
        var loadAfter = LoadAverage();
        if (unitMeter is not null && atStart is { } first) await unitMeter.StopAsync(counts.Accepted - first.Accepted, "message sent");

        await using var sent = db.CreateCommand(
            "select count(*) filter (where status = 'sent') from notifications where channel = $1 and ($2::uuid is null or tenant_id = $2)");
        sent.Parameters.AddWithValue(channel);
        sent.Parameters.Add(new NpgsqlParameter { Value = (object?)tenantId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        await using var dead = db.CreateCommand("select count(*) from jobs where queue = $1 and state = 'dead' and ($2::uuid is null or tenant_id = $2)");
        dead.Parameters.AddWithValue(channel);
        dead.Parameters.Add(new NpgsqlParameter { Value = (object?)tenantId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        return new ProviderDispatchResult(fake.Provider, channel, messages, counts, (long)(await sent.ExecuteScalarAsync())!,
            (long)(await dead.ExecuteScalarAsync())!, drained, (counts.FirstAccepted ?? fake.Elapsed) - launchedAt, loadBefore, loadAfter,
            CpuPerMessage.Between(atStart, end, counts.Accepted), CpuPerMessage.Between(atHalf, end, counts.Accepted));
    }

    private static async Task VacuumAsync(NpgsqlDataSource db)
    {
        Progress.Show("providers: vacuum analyze");
        foreach (var table in new[] { "jobs", "notifications", "notification_events" })
        {
            await using var vacuum = db.CreateCommand($"vacuum analyze {table}");
            vacuum.CommandTimeout = 300;
            await vacuum.ExecuteNonQueryAsync();
        }
    }

    private static async Task<long> LeftAsync(NpgsqlDataSource db, string queue, Guid? tenantId = null)
    {
        // A delivery job stands for a group of notifications accepted together: count what its units stand for.
        await using var cmd = db.CreateCommand(
            "select coalesce(sum(units), 0) from jobs where queue = $1 and state <> 'dead' and ($2::uuid is null or tenant_id = $2)");
        cmd.Parameters.AddWithValue(queue);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)tenantId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>The 1-, 5- and 15-minute load averages as `uptime` shows them: others share these two cores.</summary>
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
