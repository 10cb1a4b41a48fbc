using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace NotificationService.Bench.Service;

public sealed record TopicEventsResult(int Streams, int Connected, int BigEvents, long BigExpected, Percentiles BigMs, double Rate, long SmallPublished,
    long SmallExpected, Percentiles SmallMs, long PublishErrors, long StreamFailures)
{
    /// <summary>CPU of the service and of the bench (its readers) over the big events, per read (µs): what a broadcast costs.</summary>
    public (double Service, double Bench) BigCpuPerReadUs { get; init; } = (double.NaN, double.NaN);

    /// <summary>The unrecorded first big event (n = 0) after the streams connected.</summary>
    public Percentiles? BigWarmUp { get; init; }

    /// <summary>Each big event's reads: p50, p99 and the slowest (is the tail one event's, or every event's?).</summary>
    public IReadOnlyList<(double P50, double P99, double Max)> BigByEvent { get; init; } = [];

    /// <summary>Second of the open loop → the slowest read of the events published in it (where a tail sits in time).</summary>
    public IReadOnlyList<double> SmallMaxBySecond { get; init; } = [];

    public long BigMissed => BigExpected - BigMs.Count;
    public long SmallMissed => SmallExpected - SmallMs.Count;
}

/// <summary>
/// Issue 32's live events: <c>streams</c> end users hold their stream open on one Mode=all service; they are all members
/// of one topic, and in groups of 100 of one small topic each. (a) One event to the big topic at a time (one to warm up, reported
/// apart, then 5, each once the previous one has reached everyone): publish request started → each member's stream read the `app.bench` line.
/// (b) Open loop at <c>rate</c> events/s, each to one small topic (100 members): the same latency over every read. Every
/// event must reach every member (missed = expected − read after a 15 s grace).
/// </summary>
public static class TopicsEventsRun
{
    private const int BigEvents = 5;
    private const int GroupSize = 100;

    public static async Task<TopicEventsResult> MeasureAsync(string dll, string cs, int streams, double rate, TimeSpan duration)
    {
        await using var service = await ServiceProcess.StartAsync(dll, cs, "all");
        using var api = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, UseProxy = false }) { BaseAddress = service.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ServiceProcess.ApiKey);
        var users = Enumerable.Range(0, streams).Select(i => $"tu-{i:D6}").ToArray();
        await TopicAsync(api, "everyone", users);
        var groups = (streams + GroupSize - 1) / GroupSize;
        for (var g = 0; g < groups; g++) await TopicAsync(api, $"group-{g}", users.Skip(g * GroupSize).Take(GroupSize).ToArray());
        var tokens = await MintAsync(api, users);

        var started = new ConcurrentDictionary<int, long>();
        var latencies = new ConcurrentDictionary<int, ConcurrentBag<double>>();
        long failures = 0;
        using var http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = int.MaxValue, UseProxy = false, PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan, PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        }) { BaseAddress = service.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        using var stop = new CancellationTokenSource();
        var (connected, readers) = await ConnectAsync(http, tokens, started, latencies, () => Interlocked.Increment(ref failures), stop.Token);
        await Task.Delay(3000);

        long errors = 0;
        // (a) one event to everyone at a time: n = 0 warms up (the first broadcast after a start runs 10,000 times through
        // code the JIT has not yet optimised; it is reported apart, as the accept phase's warm-up is), then n = 1..5
        await BroadcastAsync(0);
        var (serviceCpu, benchCpu) = (CpuMeter.Process(service.Pid), CpuMeter.Process(Environment.ProcessId));
        for (var n = 1; n <= BigEvents; n++) await BroadcastAsync(n);
        (serviceCpu, benchCpu) = (CpuMeter.Process(service.Pid) - serviceCpu, CpuMeter.Process(Environment.ProcessId) - benchCpu);

        async Task BroadcastAsync(int n)
        {
            started[n] = Stopwatch.GetTimestamp();
            if (!await PublishAsync(api, "everyone", n)) errors++;
            await GraceAsync(() => latencies.GetValueOrDefault(n)?.Count ?? 0, connected, $"topics: event {n} to {connected:N0} members");
        }
        var big = new Percentiles(Enumerable.Range(1, BigEvents).SelectMany(n => latencies.GetValueOrDefault(n) ?? []));

        // (b) open loop to the small topics; n = 1,000 and up
        var total = (int)(rate * duration.TotalSeconds);
        var inflight = new List<Task>(total);
        var origin = Stopwatch.GetTimestamp();
        for (var i = 0; i < total; i++)
        {
            var due = origin + (long)(i * Stopwatch.Frequency / rate);
            await OpenLoopPace.UntilAsync(due);
            var n = 1_000 + i;
            var group = (int)((long)i * 7919 % groups);
            started[n] = Stopwatch.GetTimestamp();
            inflight.Add(Task.Run(async () => { if (!await PublishAsync(api, $"group-{group}", n)) Interlocked.Increment(ref errors); }));
            if (i % 100 == 0) Progress.Show($"topics: {rate:N0} events/s to {GroupSize}-member topics, {i:N0} / {total:N0}");
        }
        await Task.WhenAll(inflight);
        var expectedSmall = Enumerable.Range(0, total).Sum(i => Math.Min(GroupSize, streams - (int)((long)i * 7919 % groups) * GroupSize));
        await GraceAsync(() => latencies.Where(l => l.Key >= 1_000).Sum(l => l.Value.Count), expectedSmall, "topics: small-topic events arriving");
        var small = new Percentiles(latencies.Where(l => l.Key >= 1_000).SelectMany(l => l.Value));
        var bySecond = Enumerable.Range(0, (int)Math.Ceiling(duration.TotalSeconds)).Select(sec => Enumerable.Range(0, total)
            .Where(i => (int)(i / rate) == sec).SelectMany(i => latencies.GetValueOrDefault(1_000 + i) ?? []).DefaultIfEmpty(double.NaN).Max()).ToList();
        stop.Cancel();
        await Task.WhenAll(readers);
        Progress.Done();
        return new TopicEventsResult(streams, connected, BigEvents, (long)BigEvents * connected, big, rate, total, expectedSmall, small, errors, Interlocked.Read(ref failures))
            {
                BigWarmUp = new Percentiles(latencies.GetValueOrDefault(0) ?? []),
                SmallMaxBySecond = bySecond,
                BigCpuPerReadUs = big.Count == 0 ? (double.NaN, double.NaN) : (serviceCpu.TotalMicroseconds / big.Count, benchCpu.TotalMicroseconds / big.Count),
                BigByEvent = Enumerable.Range(1, BigEvents).Select(n => new Percentiles(latencies.GetValueOrDefault(n) ?? []))
                    .Select(p => p.Count == 0 ? (double.NaN, double.NaN, double.NaN) : (p.P50, p.P99, p.At(100))).ToList(),
            };
    }

    private static async Task<bool> PublishAsync(HttpClient api, string topic, int n)
    {
        try
        {
            using var res = await api.PostAsJsonAsync("api/v1/services/events", new { to = new { topics = new[] { topic } }, type = "bench", data = new { n } });
            return res.StatusCode == HttpStatusCode.Accepted;
        }
        catch (HttpRequestException) { return false; }
    }

    private static async Task GraceAsync(Func<long> arrived, long expected, string label)
    {
        var grace = Stopwatch.StartNew();
        while (arrived() < expected && grace.Elapsed < TimeSpan.FromSeconds(15))
        {
            Progress.Show($"{label}: {arrived():N0} / {expected:N0} read");
            await Task.Delay(100);
        }
    }

    private static async Task TopicAsync(HttpClient api, string key, string[] members)
    {
        (await api.PutAsJsonAsync($"api/v1/services/topics/{key}", new { name = key })).EnsureSuccessStatusCode();
        foreach (var chunk in members.Chunk(10_000))
            (await api.PostAsJsonAsync($"api/v1/services/topics/{key}/members", new { userIds = chunk })).EnsureSuccessStatusCode();
    }

    private static async Task<string[]> MintAsync(HttpClient api, string[] users)
    {
        var tokens = new string[users.Length];
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
        {
            for (var i = Interlocked.Increment(ref next); i < users.Length; i = Interlocked.Increment(ref next))
            {
                if (i % 500 == 0) Progress.Show($"topics: minting end-user tokens {i:N0} / {users.Length:N0}");
                using var res = await api.PostAsJsonAsync($"api/v1/services/users/{users[i]}/token", new { expiresInSeconds = 7200 });
                res.EnsureSuccessStatusCode();
                tokens[i] = (await res.Content.ReadFromJsonAsync<JsonNode>())!["token"]!.GetValue<string>();
            }
        }));
        return tokens;
    }

    /// <summary>One stream per token, 64 handshakes at a time; a stream counts once its first `counts` event is read.</summary>
    private static async Task<(int Connected, List<Task> Readers)> ConnectAsync(HttpClient http, string[] tokens, ConcurrentDictionary<int, long> started,
        ConcurrentDictionary<int, ConcurrentBag<double>> latencies, Action failed, CancellationToken ct)
    {
        var readers = new List<Task>(tokens.Length);
        var connected = 0;
        using var gate = new SemaphoreSlim(64);
        foreach (var token in tokens)
        {
            await gate.WaitAsync(ct);
            var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _ = ready.Task.ContinueWith(t => { if (t.IsCompletedSuccessfully) Interlocked.Increment(ref connected); gate.Release(); }, TaskScheduler.Default);
            readers.Add(Task.Run(() => ReadAsync(http, token, started, latencies, ready, failed, ct), CancellationToken.None));
            if (readers.Count % 500 == 0) Progress.Show($"topics: {readers.Count:N0} / {tokens.Length:N0} streams opening");
        }
        for (var i = 0; i < 64; i++) await gate.WaitAsync(TimeSpan.FromSeconds(60));
        return (Volatile.Read(ref connected), readers);
    }

    /// <summary>`n` of a `data: {"n":123}` line without building a JSON tree: 10,000 streams parse each event on the same
    /// two cores as the service, so the reader is kept as cheap as it can be.</summary>
    private static int? EventNumber(ReadOnlySpan<byte> line)
    {
        var at = line.IndexOf("\"n\""u8);   // jsonb prints {"n": 1}
        if (at < 0) return null;
        var digits = line[(at + 3)..].TrimStart(" :"u8);
        return Utf8Parser.TryParse(digits, out int n, out _) ? n : null;
    }

    private enum Kind { Other, Counts, Bench }

    /// <summary>
    /// One member's stream, read as bytes: the 10,000 readers stand in for browsers on other machines but share this one's
    /// two cores with the service, so each read is scanned in place (no line strings, no decoding) and timed once.
    /// </summary>
    private static async Task ReadAsync(HttpClient http, string token, ConcurrentDictionary<int, long> started, ConcurrentDictionary<int, ConcurrentBag<double>> latencies,
        TaskCompletionSource ready, Action failed, CancellationToken ct)
    {
        try
        {
            using var req = new HttpRequestMessage(HttpMethod.Get, "api/v1/users/me/stream");
            req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var res = await http.SendAsync(req, HttpCompletionOption.ResponseHeadersRead, ct);
            if (res.StatusCode != HttpStatusCode.OK) throw new HttpRequestException($"stream answered {(int)res.StatusCode}");
            await using var stream = await res.Content.ReadAsStreamAsync(ct);
            var buffer = new byte[2048];
            var (filled, kind) = (0, Kind.Other);
            while (await stream.ReadAsync(buffer.AsMemory(filled), ct) is var read and > 0)
            {
                var now = Stopwatch.GetTimestamp();
                filled += read;
                var done = 0;
                for (var nl = buffer.AsSpan(0, filled).IndexOf((byte)'\n'); nl >= 0; nl = buffer.AsSpan(done, filled - done).IndexOf((byte)'\n'))
                {
                    var line = buffer.AsSpan(done, nl);
                    done += nl + 1;
                    if (line.StartsWith("event: "u8))
                        kind = line[7..].SequenceEqual("counts"u8) ? Kind.Counts : line[7..].SequenceEqual("app.bench"u8) ? Kind.Bench : Kind.Other;
                    else if (!line.StartsWith("data: "u8)) continue;
                    else if (kind == Kind.Counts) ready.TrySetResult();
                    else if (kind == Kind.Bench && EventNumber(line) is { } n && started.TryGetValue(n, out var t0))
                        latencies.GetOrAdd(n, _ => []).Add((now - t0) * 1000.0 / Stopwatch.Frequency);
                }
                buffer.AsSpan(done, filled - done).CopyTo(buffer);   // a partial line waits for the rest
                filled -= done;
                if (filled == buffer.Length) throw new IOException("a line longer than the reader's buffer");
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
}
