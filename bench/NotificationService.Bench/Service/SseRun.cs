using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;

namespace NotificationService.Bench.Service;

public sealed record SseBenchResult(int Connections, int Connected, double ConnectSeconds, double RssBeforeMiB, double RssConnectedMiB, double RssAfterMiB,
    double Rate, TimeSpan Duration, long Accepted, long SendErrors, long Arrived, long Missed, Percentiles LatencyMs, Percentiles AcceptMs,
    CpuSample Cpu, double WindowSeconds, double LoadConnected, double LoadAfter, long StreamFailures)
{
    /// <summary>CPU of the open streams with nothing sent, over one keep-alive period (each stream writes a comment on its tick).</summary>
    public CpuSample IdleCpu { get; init; }
    public double IdleSeconds { get; init; }
    /// <summary>The same latency at a fifth of the rate, measured first: what the path costs when the machine is not saturated by it.</summary>
    public double LowRate { get; init; }
    public Percentiles? LowRateLatencyMs { get; init; }
    public long LowRateMissed { get; init; }
    /// <summary>Where the time went (bench and database timestamps), at each rate, and PostgreSQL's statements over the full-rate window.</summary>
    public SseStages? LowRateStages { get; init; }
    public SseStages? Stages { get; init; }
    public IReadOnlyList<string> Profile { get; init; } = [];
    /// <summary>PostgreSQL alone doing the same chain of round trips at the same rate, same run (<see cref="SseChainCeiling"/>).</summary>
    public Percentiles? ChainCeilingMs { get; init; }
    public Percentiles? LowRateChainCeilingMs { get; init; }
    /// <summary>Where in the full-rate window the slowest sends started, and the collectors' pauses over it.</summary>
    public SseTail? Tail { get; init; }

    public double KiBPerConnection => (RssConnectedMiB - RssBeforeMiB) * 1024 / Math.Max(1, Connected);
}

/// <summary>
/// Issue 14's stream: <c>connections</c> end users of one tenant each hold `GET /api/v1/users/me/stream` open on one
/// Mode=all service (bearer tokens minted by `POST /api/v1/services/users/{userId}/token`). Service RSS before and after
/// they connect gives memory per connection; then in_app sends go out open loop at <c>rate</c>/s, each to another
/// user, and the latency is send request started → that notification's `notification.created` line read on its
/// user's stream. Every accepted send must arrive (missed = accepted − arrived after a 15 s grace).
/// </summary>
public static class SseRun
{
    public static async Task<SseBenchResult> MeasureAsync(string dll, string cs, int connections, double rate, TimeSpan duration, bool settleService)
    {
        await using var service = await ServiceProcess.StartAsync(dll, cs, "all");
        await using var db = NpgsqlDataSource.Create(cs);
        using var api = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, UseProxy = false }) { BaseAddress = service.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ServiceProcess.ApiKey);

        var tokens = await MintAsync(api, connections);
        var arrivals = new ConcurrentDictionary<Guid, long>();
        var arrivedWall = new ConcurrentDictionary<Guid, DateTime>();
        long failures = 0;
        using var streams = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = int.MaxValue, UseProxy = false, PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        }) { BaseAddress = service.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        using var stop = new CancellationTokenSource();

        // Warm-up outside the figures: a few streams and sends (JIT of both paths), closed again before RSS is read.
        using (var warm = CancellationTokenSource.CreateLinkedTokenSource(stop.Token))
        {
            var warmStreams = await ConnectAsync(streams, tokens.Take(50).ToList(), arrivals, arrivedWall, () => Interlocked.Increment(ref failures), warm.Token);
            await SendLoadAsync(api, Math.Min(rate, 100), Waits.Seconds(2), 50, new ConcurrentDictionary<Guid, long>(), new(), "sse: warm-up sends");
            await Task.Delay(Waits.Seconds(1));
            warm.Cancel();
            await Task.WhenAll(warmStreams.Readers);
        }
        arrivals.Clear();
        Interlocked.Exchange(ref failures, 0);
        await Task.Delay(Waits.Seconds(2));
        var rssBefore = service.RssMiB();

        var connectClock = Stopwatch.StartNew();
        var open = await ConnectAsync(streams, tokens, arrivals, arrivedWall, () => Interlocked.Increment(ref failures), stop.Token);
        var connectSeconds = connectClock.Elapsed.TotalSeconds;
        await Task.Delay(3000);
        var rssConnected = service.RssMiB();
        var loadConnected = LoadAverage.Now();

        var meter = await CpuMeter.ForAsync(service.Pid, db);
        var idle0 = meter.Sample();
        var idleClock = Stopwatch.StartNew();
        Progress.Show($"sse: {open.Connected:N0} streams open, nothing sent, for one keep-alive period");
        await Task.Delay(Waits.Seconds(16));
        var idle1 = meter.Sample();
        var idleSeconds = idleClock.Elapsed.TotalSeconds;

        var low = rate / 5;
        var lowStarted = new ConcurrentDictionary<Guid, long>();
        var lowWall = new ConcurrentDictionary<Guid, DateTime>();
        var lowWatch = await DatabaseWatch.StartAsync(db);
        await SendLoadAsync(api, low, duration / 2, open.Connected, lowStarted, lowWall, $"sse: {low:N0} in_app sends/s (a fifth of the rate) over {open.Connected:N0} streams");
        await GraceAsync(lowStarted, arrivals);
        var lowHousekeeping = await lowWatch.StopAsync();
        Console.Error.WriteLine($"sse {low}/s: {SseTail.Of(lowStarted, arrivals).DescribePlacement()}; {lowHousekeeping}");
        var lowLatencies = Latencies(lowStarted, arrivals);
        var lowStages = await SseStages.MeasureAsync(db, lowWall, arrivedWall);
        Console.Error.WriteLine($"sse {low}/s: {lowStages.Describe()}");
        var tablesBefore = await WriteProfile.StartAsync(db);

        // Settle the instrument's own heap before the window: its 10,000 readers' state is young here, and a gen1/gen2 of
        // this process inside the window (173-197 ms in three runs) stops every reader and makes every arrival look late.
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        double? settlePauseMs = null;
        if (settleService)
        {
            Progress.Show("sse: inducing a full collection in the service (--sse-settle)");
            settlePauseMs = await ServiceHeapSettle.InduceAsync(service.Pid, api);
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
        var cpu0 = meter.Sample();
        var (servicePause0, serviceGen00, serviceGen10, serviceGen20) = await SseTail.ServiceGcAsync(api);
        var (benchPause0, benchGen20) = (GC.GetTotalPauseDuration(), GC.CollectionCount(2));
        var window = Stopwatch.StartNew();
        var unitMeter = await Costs.UnitMeter.StartAsync(db, "sse (Mode=all, streams open)");
        var watch = await DatabaseWatch.StartAsync(db);
        var started = new ConcurrentDictionary<Guid, long>();
        var startedWall = new ConcurrentDictionary<Guid, DateTime>();
        var sends = await SendLoadAsync(api, rate, duration, open.Connected, started, startedWall, $"sse: {rate:N0} in_app sends/s over {open.Connected:N0} streams");
        await GraceAsync(started, arrivals);
        await unitMeter.StopAsync(started.Count, "in_app send to an open stream");
        var housekeeping = await watch.StopAsync();
        var cpu1 = meter.Sample();
        var (benchPause1, benchGen21) = (GC.GetTotalPauseDuration(), GC.CollectionCount(2));
        var (servicePause1, serviceGen01, serviceGen11, serviceGen21) = await SseTail.ServiceGcAsync(api);
        var tail = SseTail.Of(started, arrivals) with
        {
            ServiceGcPauseMs = (servicePause1 - servicePause0) * 1000, ServiceGen2 = serviceGen21 - serviceGen20,
            ServiceGen0 = serviceGen01 - serviceGen00, ServiceGen1 = serviceGen11 - serviceGen10,
            BenchGcPauseMs = (benchPause1 - benchPause0).TotalMilliseconds, BenchGen2 = benchGen21 - benchGen20,
            Housekeeping = housekeeping, ServiceSettlePauseMs = settlePauseMs,
        };
        var slowestWall = new ConcurrentDictionary<Guid, DateTime>(tail.SlowestIds.Where(startedWall.ContainsKey).Select(id => KeyValuePair.Create(id, startedWall[id])));
        tail = tail with { SlowestStages = await SseStages.MeasureAsync(db, slowestWall, arrivedWall) };
        Console.Error.WriteLine($"sse {rate}/s: {tail.Describe()}");
        var windowSeconds = window.Elapsed.TotalSeconds;
        var rssAfter = service.RssMiB();
        var latencies = Latencies(started, arrivals);
        var profile = (await WriteProfile.StopAsync(db, tablesBefore)).Describe(started.Count).ToList();
        var stages = await SseStages.MeasureAsync(db, startedWall, arrivedWall);
        Console.Error.WriteLine($"sse {rate}/s: {stages.Describe()}");
        foreach (var line in profile) Console.Error.WriteLine(line);
        // With the streams still open and the service idle: the same round trips issued directly, one send at a time,
        // at the low rate (what they cost on this machine now) and at the full rate (what batching is worth).
        var lowCeiling = await SseChainCeiling.MeasureAsync(cs, low, duration / 2);
        var ceiling = await SseChainCeiling.MeasureAsync(cs, rate, duration / 4);
        Console.Error.WriteLine($"sse: PostgreSQL alone, the same chain: at {low}/s p50 {lowCeiling.P50:0.0} / p99 {lowCeiling.P99:0.0} ms; at {rate}/s p50 {ceiling.P50:0.0} / p99 {ceiling.P99:0.0} ms");
        stop.Cancel();
        await Task.WhenAll(open.Readers);
        Progress.Done();
        return new SseBenchResult(connections, open.Connected, connectSeconds, rssBefore, rssConnected, rssAfter, rate, duration,
            started.Count, sends.Errors, latencies.Count, started.Count - latencies.Count, new Percentiles(latencies), sends.AcceptMs,
            new CpuSample(cpu1.Worker - cpu0.Worker, cpu1.Postgres - cpu0.Postgres, cpu1.Bench - cpu0.Bench), windowSeconds, loadConnected,
            LoadAverage.Now(), Interlocked.Read(ref failures))
        {
            IdleCpu = new CpuSample(idle1.Worker - idle0.Worker, idle1.Postgres - idle0.Postgres, idle1.Bench - idle0.Bench), IdleSeconds = idleSeconds,
            LowRate = low, LowRateLatencyMs = new Percentiles(lowLatencies), LowRateMissed = lowStarted.Count - lowLatencies.Count,
            LowRateStages = lowStages, Stages = stages, Profile = profile, ChainCeilingMs = ceiling, LowRateChainCeilingMs = lowCeiling,
            Tail = tail,
        };
    }

    private static List<double> Latencies(ConcurrentDictionary<Guid, long> started, ConcurrentDictionary<Guid, long> arrivals) =>
        started.Where(s => arrivals.ContainsKey(s.Key)).Select(s => (arrivals[s.Key] - s.Value) * 1000.0 / Stopwatch.Frequency).ToList();

    /// <summary>Up to 15 s for every accepted send's event to arrive.</summary>
    private static async Task GraceAsync(ConcurrentDictionary<Guid, long> started, ConcurrentDictionary<Guid, long> arrivals)
    {
        var grace = Stopwatch.StartNew();
        while (grace.Elapsed < TimeSpan.FromSeconds(15) && started.Keys.Any(id => !arrivals.ContainsKey(id)))
        {
            Progress.Show($"sse: waiting for events, {started.Keys.Count(arrivals.ContainsKey):N0} / {started.Count:N0} arrived");
            await Task.Delay(250);
        }
    }

    public static string UserId(int i) => $"sse-u{i}";

    private static async Task<List<string>> MintAsync(HttpClient api, int users)
    {
        var tokens = new string[users];
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
        {
            for (var i = Interlocked.Increment(ref next); i < users; i = Interlocked.Increment(ref next))
            {
                if (i % 500 == 0) Progress.Show($"sse: minting end-user tokens {i:N0} / {users:N0}");
                using var res = await api.PostAsJsonAsync($"/api/v1/services/users/{UserId(i)}/token", new { expiresInSeconds = 7200 });
                res.EnsureSuccessStatusCode();
                tokens[i] = (await res.Content.ReadFromJsonAsync<JsonNode>())!["token"]!.GetValue<string>();
            }
        }));
        return [.. tokens];
    }

    private sealed record OpenStreams(int Connected, List<Task> Readers);

    /// <summary>Opens one stream per token (64 handshakes at a time); a stream counts once its first `counts` event is read.</summary>
    private static async Task<OpenStreams> ConnectAsync(HttpClient streams, List<string> tokens, ConcurrentDictionary<Guid, long> arrivals,
        ConcurrentDictionary<Guid, DateTime> arrivedWall, Action failed, CancellationToken ct)
    {
        var readers = new List<Task>(tokens.Count);
        var connected = 0;
        using var gate = new SemaphoreSlim(64);
        foreach (var token in tokens)
        {
            await gate.WaitAsync(ct);
            var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _ = ready.Task.ContinueWith(_ => { gate.Release(); }, TaskScheduler.Default);
            readers.Add(Task.Run(() => ReadAsync(streams, token, arrivals, arrivedWall, ready, failed, ct), CancellationToken.None));
            if (readers.Count % 500 == 0) Progress.Show($"sse: {readers.Count:N0} / {tokens.Count:N0} streams opening, {Volatile.Read(ref connected):N0} ready");
            _ = ready.Task.ContinueWith(t => { if (t.IsCompletedSuccessfully) Interlocked.Increment(ref connected); }, TaskScheduler.Default);
        }
        for (var i = 0; i < 64; i++) await gate.WaitAsync(TimeSpan.FromSeconds(60));   // the last handshakes
        return new OpenStreams(Volatile.Read(ref connected), readers);
    }

    private static async Task ReadAsync(HttpClient streams, string token, ConcurrentDictionary<Guid, long> arrivals,
        ConcurrentDictionary<Guid, DateTime> arrivedWall, TaskCompletionSource ready,
        Action failed, CancellationToken ct)
    {
        try
        {
            using var req = new HttpRequestMessage(HttpMethod.Get, "/api/v1/users/me/stream");
            req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var res = await streams.SendAsync(req, HttpCompletionOption.ResponseHeadersRead, ct);
            if (res.StatusCode != HttpStatusCode.OK) throw new HttpRequestException($"stream answered {(int)res.StatusCode}");
            await using var body = await res.Content.ReadAsStreamAsync(ct);
            using var reader = new StreamReader(body, Encoding.UTF8, false, 1024);
            string? kind = null;
            while (await reader.ReadLineAsync(ct) is { } line)
            {
                if (line.StartsWith("event: ", StringComparison.Ordinal)) kind = line[7..];
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    var now = Stopwatch.GetTimestamp();
                    if (kind == "counts") ready.TrySetResult();
                    else if (kind == "notification.created" && line.IndexOf("\"id\": \"", StringComparison.Ordinal) is var at and >= 0
                             && Guid.TryParse(line.AsSpan(at + 7, 36), out var id))
                    {
                        arrivals.TryAdd(id, now);
                        arrivedWall.TryAdd(id, DateTime.UtcNow);
                    }
                }
            }
            if (!ct.IsCancellationRequested) throw new IOException("stream ended");
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested) { }
        catch (Exception)
        {
            failed();
            ready.TrySetException(new IOException("stream failed"));
        }
        finally { ready.TrySetCanceled(); }
    }

    private sealed record SendOutcome(long Errors, Percentiles AcceptMs);

    /// <summary>Open loop: send i starts at i / rate whatever the answers do, to user (i × a prime) mod users.</summary>
    private static async Task<SendOutcome> SendLoadAsync(HttpClient api, double rate, TimeSpan duration, int users,
        ConcurrentDictionary<Guid, long> started, ConcurrentDictionary<Guid, DateTime> startedWall, string label)
    {
        var total = (int)(rate * duration.TotalSeconds);
        var inflight = new List<Task>(total);
        var accept = new ConcurrentBag<double>();
        long errors = 0;
        var origin = Stopwatch.GetTimestamp();
        for (var i = 0; i < total; i++)
        {
            var due = origin + (long)(i * Stopwatch.Frequency / rate);
            await OpenLoopPace.UntilAsync(due);
            var user = UserId((int)((long)i * 7919 % users));
            inflight.Add(Task.Run(async () =>
            {
                var t0 = Stopwatch.GetTimestamp();
                var wall = DateTime.UtcNow;
                try
                {
                    using var res = await api.PostAsJsonAsync("api/v1/services/notifications/send", new
                    {
                        channel = "in_app", recipient = new { userId = user }, content = new { subject = "Bench", body = "A live one" },
                    });
                    if (res.StatusCode != HttpStatusCode.Accepted) { Interlocked.Increment(ref errors); return; }
                    var id = (await res.Content.ReadFromJsonAsync<JsonNode>())!["id"]!.GetValue<Guid>();
                    started[id] = t0;
                    startedWall[id] = wall;
                    accept.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
                }
                catch (HttpRequestException) { Interlocked.Increment(ref errors); }
            }));
            if (i % 250 == 0) Progress.Show($"{label}: {i:N0} / {total:N0}");
        }
        await Task.WhenAll(inflight);
        return new SendOutcome(errors, new Percentiles(accept));
    }
}
