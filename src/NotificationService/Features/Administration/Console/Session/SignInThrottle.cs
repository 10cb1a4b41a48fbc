using System.Collections.Concurrent;

namespace NotificationService.Features.Administration.Console.Session;

/// <summary>
/// Failed console sign-ins per (client address, account) pair, where the caller picks what the pair means
/// (<see cref="MemberSignIn"/>: an address and an account, every address and an account, an address and every account):
/// after <see cref="MaxFailures"/> (or the caller's limit) within <see cref="Window"/> the pair is refused until the
/// window passes, even with the right password, so the throttle tells a guesser nothing. It is per replica (a client
/// spread over N replicas gets N times the budget), which is stated in docs/console.md. The address is the client's
/// when the proxies are configured (ForwardedHeaders:*).
/// </summary>
public sealed class SignInThrottle(TimeProvider clock)
{
    public const int MaxFailures = 5;
    /// <summary>Failed member sign-ins from one address across every account (a spray of emails), before that address
    /// waits out the window: higher than one account's limit, so a team behind one NAT address is not locked out by
    /// one person's typos, low enough that trying one password on many accounts stops early.</summary>
    public const int MaxFailuresPerAddress = 20;
    public const int MaxTracked = 100_000;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);
    private readonly ConcurrentDictionary<(string Client, string Prefix), Queue<DateTimeOffset>> _failures = new();

    public bool IsBlocked(string client, string prefix, int maxFailures = MaxFailures)
    {
        if (!_failures.TryGetValue((client, prefix), out var times)) return false;
        lock (times) { Prune(times); return times.Count >= maxFailures; }
    }

    public void RecordFailure(string client, string prefix)
    {
        if (_failures.Count > MaxTracked) _failures.Clear();   // bounded memory under a spray of addresses or prefixes
        var times = _failures.GetOrAdd((client, prefix), _ => new Queue<DateTimeOffset>());
        lock (times) { Prune(times); times.Enqueue(clock.GetUtcNow()); }
    }

    public void Reset(string client, string prefix) => _failures.TryRemove((client, prefix), out _);

    /// <summary>Forgets every failure (specs that share one address run one after another).</summary>
    public void Clear() => _failures.Clear();

    private void Prune(Queue<DateTimeOffset> times)
    {
        var cutoff = clock.GetUtcNow() - Window;
        while (times.Count > 0 && times.Peek() < cutoff) times.Dequeue();
    }
}
