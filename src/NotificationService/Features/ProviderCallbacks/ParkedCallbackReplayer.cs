using Npgsql;
using NotificationService.Features.Webhooks;

namespace NotificationService.Features.ProviderCallbacks;

/// <summary>
/// Re-applies parked provider events once their message id is stored (polled every second: a parked
/// event is rare and a second late is fine; an empty table costs one index probe), and gives up on
/// events parked too long. Each pass is one transaction: take, apply through <see cref="StatusUpdater"/>, commit.
/// Replicas skip each other's rows, so an event is applied once.
/// </summary>
public sealed class ParkedCallbackReplayer(NpgsqlDataSource db, ParkedCallbacks parked, StatusUpdater updater, CallbackProviders providers,
    WebhookOutbox outbox, IConfiguration config, ILogger<ParkedCallbackReplayer> log) : BackgroundService
{
    private const int BatchSize = 500;
    private readonly TimeSpan _interval = TimeSpan.FromMilliseconds(config.GetValue("Callbacks:ParkedReplayIntervalMs", 1000));

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        var lastExpiry = DateTimeOffset.MinValue;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (await ReplayOnceAsync(stop) == BatchSize) continue;   // more may be ready
                if (DateTimeOffset.UtcNow - lastExpiry > TimeSpan.FromMinutes(1))
                {
                    CallbackMetrics.UnknownEvents("parked_expired", await parked.ExpireAsync(db, stop));
                    lastExpiry = DateTimeOffset.UtcNow;
                }
            }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                log.LogWarning(e, "replaying parked provider callbacks failed; trying again");
            }
            try { await Task.Delay(_interval, stop); } catch (OperationCanceledException) { return; }
        }
    }

    /// <returns>How many parked events were taken.</returns>
    public async Task<int> ReplayOnceAsync(CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        var taken = await ParkedCallbacks.TakeReadyAsync(conn, tx, BatchSize, ct);
        if (taken.Count == 0) return 0;
        var published = false;
        foreach (var group in taken.GroupBy(t => t.ProviderId))
        {
            // A deleted provider config cannot be trusted any more: its events are dropped.
            if (await providers.FindAsync(group.Key, ct) is not { } provider) continue;
            // Deduplicated when they first arrived; park: false, since their id is stored now.
            var events = group.Select(t => t.Event with { DedupeKey = null }).ToList();
            var (outcomes, anyPublished) = await updater.ApplyInAsync(conn, tx, provider, events, park: false, ct);
            published |= anyPublished;
            CallbackMetrics.AppliedEvents(CallbackMetrics.Label(provider.Kind), outcomes.For(events).Applied);
        }
        await tx.CommitAsync(ct);
        if (published) outbox.NotifyCommitted();
        return taken.Count;
    }
}
