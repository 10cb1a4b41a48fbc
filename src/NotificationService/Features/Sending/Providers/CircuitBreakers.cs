using System.Collections.Concurrent;
using NotificationService.Channels;

namespace NotificationService.Features.Sending.Providers;

/// <summary>A circuit's state (closed, open, half_open), its consecutive failures and, when open, until when.</summary>
public sealed record CircuitState(string State, int ConsecutiveFailures, DateTimeOffset? OpenUntil)
{
    public bool Failing => State != "closed" || ConsecutiveFailures > 0;
}

/// <summary>
/// One circuit per provider config, in this process. After <see cref="ProviderLimits.CircuitThreshold"/> consecutive
/// provider-level or transient failures it opens for <see cref="ProviderLimits.CircuitOpenFor"/>: the walk skips the
/// config (failover) and, when every config of the channel is open, the job waits without using an attempt.
/// After the cool-down one message is let through as a probe: success closes the circuit, failure reopens it.
/// Per process rather than shared in PostgreSQL: each replica learns from its own traffic within a few messages,
/// and no database round trip sits on the send path. Sent, permanent and throttled answers mean the provider is up.
/// </summary>
public sealed class CircuitBreakers(TimeProvider clock)
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(60);

    private sealed class Circuit(string kind)
    {
        public readonly string Kind = kind;
        public int Failures;
        public DateTimeOffset? OpenUntil;
        public DateTimeOffset? ProbeStarted;
    }

    private readonly ConcurrentDictionary<Guid, Circuit> _circuits = new();

    /// <summary>How long the config stays unusable, or null when it may be tried (closed, or cool-down over).
    /// Does not change state.</summary>
    public TimeSpan? OpenFor(ProviderConfig p)
    {
        if (!_circuits.TryGetValue(p.Id, out var c)) return null;
        lock (c) return c.OpenUntil is { } until && until > clock.GetUtcNow() ? until - clock.GetUtcNow() : null;
    }

    /// <summary>Claims the right to send: always when closed; after the cool-down only for the single probe.</summary>
    public bool TryEnter(ProviderConfig p, out TimeSpan openFor)
    {
        openFor = TimeSpan.Zero;
        if (!_circuits.TryGetValue(p.Id, out var c)) return true;
        lock (c)
        {
            var now = clock.GetUtcNow();
            if (c.OpenUntil is not { } until) return true;
            if (until > now) { openFor = until - now; return false; }
            if (c.ProbeStarted is { } started && now - started < ProbeTimeout) { openFor = TimeSpan.FromSeconds(1); return false; }
            c.ProbeStarted = now;
            return true;
        }
    }

    public void Record(ProviderConfig p, DeliveryResult result)
    {
        var limits = ProviderLimits.From(p.Kind, p.Settings);
        if (limits.CircuitThreshold is not { } threshold) return;
        var failed = result is DeliveryResult.Transient or DeliveryResult.ProviderFailure;
        var c = _circuits.GetOrAdd(p.Id, static (_, kind) => new Circuit(kind), p.Kind);
        lock (c)
        {
            var probing = c.ProbeStarted is not null;
            c.ProbeStarted = null;
            if (!failed) { c.Failures = 0; c.OpenUntil = null; return; }
            c.Failures++;
            if (probing || c.Failures >= threshold) c.OpenUntil = clock.GetUtcNow() + limits.CircuitOpenFor;
        }
    }

    /// <summary>One config's circuit as this process sees it, for the console:
    /// closed with no failures when it has never failed here.</summary>
    public CircuitState StateOf(Guid providerId)
    {
        if (!_circuits.TryGetValue(providerId, out var c)) return new CircuitState("closed", 0, null);
        var now = clock.GetUtcNow();
        lock (c)
            return c.OpenUntil is not { } until ? new CircuitState("closed", c.Failures, null)
                : until > now ? new CircuitState("open", c.Failures, until)
                : new CircuitState("half_open", c.Failures, null);
    }

    /// <summary>For /metrics: how many configs of each kind this process has a circuit for, per state (closed, open, half_open).</summary>
    public IReadOnlyDictionary<(string Kind, string State), int> CountByKindAndState()
    {
        var now = clock.GetUtcNow();
        var counts = new Dictionary<(string, string), int>();
        foreach (var c in _circuits.Values)
        {
            string state;
            lock (c) state = c.OpenUntil is not { } until ? "closed" : until > now ? "open" : "half_open";
            counts[(c.Kind, state)] = counts.GetValueOrDefault((c.Kind, state)) + 1;
        }
        return counts;
    }
}
