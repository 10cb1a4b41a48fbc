using System.Collections.Concurrent;

namespace NotificationService.Client.AspNetCore;

/// <summary>Where a delivery stands with the de-duplicator.</summary>
public enum WebhookClaim
{
    /// <summary>Not seen: handle it.</summary>
    New,
    /// <summary>Being handled by another request now: the sender is asked to come back (409).</summary>
    InProgress,
    /// <summary>Handled already: answered 200 without handling it again.</summary>
    Done,
}

/// <summary>
/// Remembers webhook-ids, so that a delivery the service retries (after a timeout on your side, say) is handled once.
/// The default keeps them in memory for twice the verifier's tolerance (an older delivery is refused by its timestamp);
/// register your own (a table with a unique key) for several instances of your app.
/// </summary>
public interface IWebhookDeduplicator
{
    /// <summary>Claims <paramref name="webhookId"/> for handling, unless it is handled or being handled.</summary>
    ValueTask<WebhookClaim> ClaimAsync(string webhookId, CancellationToken cancellationToken);
    /// <summary>The handler succeeded: later deliveries of this id are answered without handling.</summary>
    ValueTask CompleteAsync(string webhookId, CancellationToken cancellationToken);
    /// <summary>The handler failed: the service's retry of this id is handled again.</summary>
    ValueTask ReleaseAsync(string webhookId, CancellationToken cancellationToken);
}

/// <summary>The in-memory de-duplicator for one instance of an app.</summary>
public sealed class MemoryWebhookDeduplicator(TimeProvider clock, TimeSpan remember) : IWebhookDeduplicator
{
    private readonly ConcurrentDictionary<string, (bool Done, DateTimeOffset At)> _seen = new();
    private long _claims;

    /// <inheritdoc />
    public ValueTask<WebhookClaim> ClaimAsync(string webhookId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (Interlocked.Increment(ref _claims) % 1024 == 0) Forget(now);   // bounded: old ids go every 1,024 claims
        if (_seen.TryAdd(webhookId, (false, now))) return ValueTask.FromResult(WebhookClaim.New);
        return ValueTask.FromResult(_seen.TryGetValue(webhookId, out var s) && s.Done ? WebhookClaim.Done : WebhookClaim.InProgress);
    }

    /// <inheritdoc />
    public ValueTask CompleteAsync(string webhookId, CancellationToken cancellationToken)
    {
        _seen[webhookId] = (true, clock.GetUtcNow());
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask ReleaseAsync(string webhookId, CancellationToken cancellationToken)
    {
        _seen.TryRemove(webhookId, out _);
        return ValueTask.CompletedTask;
    }

    private void Forget(DateTimeOffset now)
    {
        foreach (var (id, s) in _seen)
            if (now - s.At > remember) _seen.TryRemove(id, out _);
    }
}
