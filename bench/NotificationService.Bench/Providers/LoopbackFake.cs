using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace NotificationService.Bench.Providers;

/// <summary>What a fake saw: requests by outcome, TCP connections accepted, and when the first and last accepted request came.</summary>
public sealed record FakeCounts(string Provider, long Requests, long Accepted, long Rejected, long Connections, TimeSpan? FirstAccepted, TimeSpan? LastAccepted,
    long HalfMark, TimeSpan? HalfAccepted)
{
    /// <summary>Rate over the second half of the messages: the worker's start-up JIT is behind it, so it is the warm figure.</summary>
    public double SecondHalfPerSec => HalfAccepted is { } h && LastAccepted is { } l && l > h ? (Accepted - HalfMark) / (l - h).TotalSeconds : double.NaN;

    /// <summary>Accepted requests per second between the first and the last one (start-up and drain tail excluded).</summary>
    public double AcceptedPerSec => FirstAccepted is { } f && LastAccepted is { } l && l > f ? (Accepted - 1) / (l - f).TotalSeconds : double.NaN;
    public double RequestsPerConnection => Connections > 0 ? Requests / (double)Connections : double.NaN;
}

/// <summary>
/// A provider's HTTP endpoint as a small Kestrel server on 127.0.0.1:0 inside the bench process. A connection
/// middleware counts accepted TCP connections, so the report can show keep-alive reuse (requests ÷ connections)
/// instead of assuming it. The provider-specific wire format is the <c>handle</c> delegate: it returns true when
/// it answered with success.
/// </summary>
public sealed class LoopbackFake : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _requests, _accepted, _connections, _firstTicks = -1, _lastTicks = -1, _halfMark = long.MaxValue, _halfTicks = -1;

    public string Provider { get; }
    public string BaseUrl { get; private set; } = "";

    private LoopbackFake(string provider, WebApplication app) { Provider = provider; _app = app; }

    public static async Task<LoopbackFake> StartAsync(string provider, Func<HttpContext, Task<bool>> handle)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        LoopbackFake? self = null;
        builder.WebHost.UseKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Loopback, 0, listen => listen.Use(next => connection =>
            {
                Interlocked.Increment(ref self!._connections);
                return next(connection);
            }));
        });
        var app = builder.Build();
        self = new LoopbackFake(provider, app);
        app.Run(async ctx =>
        {
            Interlocked.Increment(ref self._requests);
            if (!await handle(ctx)) return;
            var now = self._clock.Elapsed.Ticks;
            Interlocked.CompareExchange(ref self._firstTicks, now, -1);
            InterlockedMax(ref self._lastTicks, now);
            if (Interlocked.Increment(ref self._accepted) == Interlocked.Read(ref self._halfMark)) Interlocked.Exchange(ref self._halfTicks, now);
        });
        await app.StartAsync();
        self.BaseUrl = app.Urls.First().TrimEnd('/');
        return self;
    }

    /// <summary>Starts the counts afresh (e.g. after a test send), so a run's figures are its own; the clock notes when <paramref name="halfMark"/> is reached.</summary>
    public void Reset(long halfMark)
    {
        Interlocked.Exchange(ref _halfMark, halfMark);
        Interlocked.Exchange(ref _halfTicks, -1);
        Interlocked.Exchange(ref _requests, 0);
        Interlocked.Exchange(ref _accepted, 0);
        Interlocked.Exchange(ref _connections, 0);
        Interlocked.Exchange(ref _firstTicks, -1);
        Interlocked.Exchange(ref _lastTicks, -1);
    }

    public long Accepted => Interlocked.Read(ref _accepted);

    /// <summary>The fake's own clock, on which <see cref="FakeCounts.FirstAccepted"/> and LastAccepted are read.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    public FakeCounts Snapshot()
    {
        var requests = Interlocked.Read(ref _requests);
        var accepted = Interlocked.Read(ref _accepted);
        var first = Interlocked.Read(ref _firstTicks);
        var last = Interlocked.Read(ref _lastTicks);
        var half = Interlocked.Read(ref _halfTicks);
        return new FakeCounts(Provider, requests, accepted, requests - accepted, Interlocked.Read(ref _connections),
            first < 0 ? null : TimeSpan.FromTicks(first), last < 0 ? null : TimeSpan.FromTicks(last),
            Interlocked.Read(ref _halfMark), half < 0 ? null : TimeSpan.FromTicks(half));
    }

    private static void InterlockedMax(ref long target, long value)
    {
        var seen = Interlocked.Read(ref target);
        while (value > seen)
        {
            var previous = Interlocked.CompareExchange(ref target, value, seen);
            if (previous == seen) return;
            seen = previous;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
