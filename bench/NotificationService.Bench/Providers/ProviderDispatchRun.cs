using System.Diagnostics;
using Npgsql;
using NotificationService.Bench.Service;

namespace NotificationService.Bench.Providers;

/// <summary>One provider's drain: what its fake received, what the database says was sent, and the machine's load meanwhile.</summary>
public sealed record ProviderDispatchResult(string Provider, string Channel, int Messages, FakeCounts Counts, long Sent, long Dead,
    bool Drained, TimeSpan LaunchToFirstRequest, string LoadBefore, string LoadAfter, double WorkerCpuMicrosPerMessage, double SecondHalfCpuMicrosPerMessage);

/// <summary>
/// Dispatch through real adapters to loopback fakes of SendGrid and Twilio. A Mode=api process serves the
/// set-up (tenant, provider configs through the admin API, N emails and N SMS through send-batch); then, per
/// provider, a fresh Mode=worker process serving only that channel's queue drains it, so each provider's figure
/// is its own path and not half of a shared two cores. The rate is what the fake accepted, first to last request.
/// </summary>
public static class ProviderDispatchRun
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromMinutes(10);

    public static async Task<IReadOnlyList<ProviderDispatchResult>> MeasureAsync(string dll, string connectionString, int messagesPerProvider)
    {
        await using var sendGrid = await SendGridFake.StartAsync();
        await using var twilio = await TwilioFake.StartAsync();
        await using var db = NpgsqlDataSource.Create(connectionString);

        Progress.Show("providers: starting the service in Mode=api");
        await using (var api = await ServiceProcess.StartAsync(dll, connectionString, "api"))
        {
            var tenant = await BenchTenant.CreateAsync(dll, connectionString);
            using var http = tenant.Client(api.BaseAddress);
            await tenant.AddProvidersAsync(http, sendGrid.BaseUrl, twilio.BaseUrl);
            await ProviderEnqueue.EnqueueAsync(http, "email", messagesPerProvider);
            await ProviderEnqueue.EnqueueAsync(http, "sms", messagesPerProvider);
        }
        foreach (var channel in new[] { "email", "sms" })
            if (await LeftAsync(db, channel) is var queued && queued != messagesPerProvider)
                throw new InvalidOperationException($"expected {messagesPerProvider} queued {channel} jobs, found {queued}");
        foreach (var table in new[] { "jobs", "notifications", "notification_events" })
        {
            await using var vacuum = db.CreateCommand($"vacuum analyze {table}");
            await vacuum.ExecuteNonQueryAsync();
        }

        return [
            await DrainAsync(dll, connectionString, db, sendGrid, "email", messagesPerProvider),
            await DrainAsync(dll, connectionString, db, twilio, "sms", messagesPerProvider),
        ];
    }

    private static async Task<ProviderDispatchResult> DrainAsync(string dll, string connectionString, NpgsqlDataSource db, LoopbackFake fake, string channel, int messages)
    {
        fake.Reset(halfMark: messages / 2); // the set-up's test send is not part of the run
        var loadBefore = LoadAverage();
        var launchedAt = fake.Elapsed;
        Progress.Show($"providers: starting a Mode=worker process for the {channel} queue");
        var clock = Stopwatch.StartNew();
        await using var worker = await ServiceProcess.StartAsync(dll, connectionString, "worker",
            new Dictionary<string, string> { ["Queue__Queues__0"] = channel });
        var drained = false;
        // Worker CPU per message, from its first observed send to the end: unlike a rate, it barely moves with the
        // machine's load, so it is the figure to compare before and after a change.
        (TimeSpan Cpu, long Accepted)? cpuStart = null, cpuHalf = null;
        while (clock.Elapsed < DrainTimeout)
        {
            if (cpuStart is null && fake.Accepted > 0) cpuStart = (worker.CpuTime(), fake.Accepted);
            if (cpuHalf is null && fake.Accepted >= messages / 2) cpuHalf = (worker.CpuTime(), fake.Accepted);
            var left = await LeftAsync(db, channel);
            Progress.Show($"providers: {fake.Provider} accepted {fake.Accepted:N0}/{messages:N0}, {left:N0} {channel} jobs left ({clock.Elapsed.TotalSeconds:0.0} s)");
            if (left == 0) { drained = true; break; }
            await Task.Delay(100);
        }
        var counts = fake.Snapshot();
        var cpuEnd = worker.CpuTime();
        double PerMessage((TimeSpan Cpu, long Accepted)? from) => from is { } c && counts.Accepted > c.Accepted
            ? (cpuEnd - c.Cpu).TotalMicroseconds / (counts.Accepted - c.Accepted) : double.NaN;
        var loadAfter = LoadAverage();

        await using var sent = db.CreateCommand("select count(*) filter (where status = 'sent') from notifications where channel = $1");
        sent.Parameters.AddWithValue(channel);
        await using var dead = db.CreateCommand("select count(*) from jobs where queue = $1 and state = 'dead'");
        dead.Parameters.AddWithValue(channel);
        return new ProviderDispatchResult(fake.Provider, channel, messages, counts, (long)(await sent.ExecuteScalarAsync())!,
            (long)(await dead.ExecuteScalarAsync())!, drained, (counts.FirstAccepted ?? fake.Elapsed) - launchedAt, loadBefore, loadAfter, PerMessage(cpuStart), PerMessage(cpuHalf));
    }

    private static async Task<long> LeftAsync(NpgsqlDataSource db, string queue)
    {
        await using var cmd = db.CreateCommand("select count(*) from jobs where queue = $1 and state <> 'dead'");
        cmd.Parameters.AddWithValue(queue);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>The 1-, 5- and 15-minute load averages as `uptime` shows them: others share these two cores.</summary>
    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(", ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
