using System.Collections.Concurrent;

namespace NotificationService.Features.Console.Session;

/// <summary>
/// Failed console sign-ins per client address: after <see cref="MaxFailures"/> within <see cref="Window"/> the address
/// is refused until the window passes. Keys carry 256 random bits, so this is about noise and log volume rather than
/// guessing; it is per replica (a client spread over N replicas gets N times the budget), which is stated in the README.
/// </summary>
public sealed class SignInThrottle(TimeProvider clock)
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);
    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _failures = new();

    public bool IsBlocked(string client)
    {
        if (!_failures.TryGetValue(client, out var times)) return false;
        lock (times) { Prune(times); return times.Count >= MaxFailures; }
    }

    public void RecordFailure(string client)
    {
        if (_failures.Count > 100_000) _failures.Clear();   // bounded memory under a spray of addresses
        var times = _failures.GetOrAdd(client, _ => new Queue<DateTimeOffset>());
        lock (times) { Prune(times); times.Enqueue(clock.GetUtcNow()); }
    }

    public void Reset(string client) => _failures.TryRemove(client, out _);

    private void Prune(Queue<DateTimeOffset> times)
    {
        var cutoff = clock.GetUtcNow() - Window;
        while (times.Count > 0 && times.Peek() < cutoff) times.Dequeue();
    }
}
