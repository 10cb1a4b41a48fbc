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
    /// <summary>Pairs tracked at most; past it the pair whose last failure is oldest is forgotten, never anyone else's count.</summary>
    public const int MaxTracked = 100_000;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    private sealed record Entry((string Client, string Prefix) Key, Queue<DateTimeOffset> Times);

    // Pairs by last failure, oldest first: a failure moves its pair to the end, so the head is the one to forget.
    // One lock for all: failures are rare next to requests, and the order must not tear.
    private readonly Dictionary<(string Client, string Prefix), LinkedListNode<Entry>> _pairs = new();
    private readonly LinkedList<Entry> _byLastFailure = new();
    private readonly Lock _lock = new();

    public bool IsBlocked(string client, string prefix, int maxFailures = MaxFailures) => Failures(client, prefix) >= maxFailures;

    /// <summary>How long until the pair is under its limit again (its Retry-After); zero when it is not blocked.</summary>
    public TimeSpan BlockedFor(string client, string prefix, int maxFailures = MaxFailures)
    {
        lock (_lock)
        {
            if (!_pairs.TryGetValue((client, prefix), out var node)) return TimeSpan.Zero;
            var times = node.Value.Times;
            Prune(times);
            if (times.Count < maxFailures) return TimeSpan.Zero;
            // Under the limit again when the failure that made the count reach it leaves the window.
            var until = times.ElementAt(times.Count - maxFailures) + Window - clock.GetUtcNow();
            return until > TimeSpan.Zero ? until : TimeSpan.Zero;
        }
    }

    /// <summary>Failures of the pair within the window.</summary>
    public int Failures(string client, string prefix)
    {
        lock (_lock)
        {
            if (!_pairs.TryGetValue((client, prefix), out var node)) return 0;
            Prune(node.Value.Times);
            return node.Value.Times.Count;
        }
    }

    public void RecordFailure(string client, string prefix)
    {
        var now = clock.GetUtcNow();
        lock (_lock)
        {
            // Pairs whose last failure left the window hold nothing: drop them from the old end first.
            while (_byLastFailure.First is { } oldest && (oldest.Value.Times.Count == 0 || oldest.Value.Times.Last() < now - Window))
                Forget(oldest);
            if (_pairs.TryGetValue((client, prefix), out var node)) _byLastFailure.Remove(node);
            else
            {
                if (_pairs.Count >= MaxTracked) Forget(_byLastFailure.First!);   // bounded memory under a spray of addresses or prefixes
                node = new LinkedListNode<Entry>(new Entry((client, prefix), new Queue<DateTimeOffset>()));
                _pairs[(client, prefix)] = node;
            }
            _byLastFailure.AddLast(node);
            Prune(node.Value.Times);
            node.Value.Times.Enqueue(now);
        }
    }

    public void Reset(string client, string prefix)
    {
        lock (_lock) if (_pairs.TryGetValue((client, prefix), out var node)) Forget(node);
    }

    /// <summary>Forgets every failure (specs that share one address run one after another).</summary>
    public void Clear()
    {
        lock (_lock) { _pairs.Clear(); _byLastFailure.Clear(); }
    }

    private void Forget(LinkedListNode<Entry> node)
    {
        _byLastFailure.Remove(node);
        _pairs.Remove(node.Value.Key);
    }

    private void Prune(Queue<DateTimeOffset> times)
    {
        var cutoff = clock.GetUtcNow() - Window;
        while (times.Count > 0 && times.Peek() < cutoff) times.Dequeue();
    }
}
