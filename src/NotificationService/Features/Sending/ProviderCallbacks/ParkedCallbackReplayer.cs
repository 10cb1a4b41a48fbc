using Npgsql;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Infrastructure;

namespace NotificationService.Features.Sending.ProviderCallbacks;

/// <summary>
/// Re-applies parked provider events once their message id is stored (polled every second on each worker: a parked
/// event is rare and a second late is fine; an empty table costs one index probe). Giving up on events parked too long is
/// a recurring job (<see cref="ParkedCallbackExpiry"/>). Each pass is one transaction: take, apply through
/// <see cref="StatusUpdater"/>, commit. Replicas skip each other's rows, so an event is applied once.
/// </summary>
public sealed class ParkedCallbackReplayer(StatusUpdater updater, CallbackProviders providers,
    NotificationLedger ledger, NotificationQueries notifications, IConfiguration config, ILogger<ParkedCallbackReplayer> log)
    : BackgroundService
{
    private const int BatchSize = 500;

    /// <summary>Completed passes (whatever they found), for tests that must see a pass happen while an id is still unknown.</summary>
    public ProgressSignal Passes { get; } = new();
    private readonly TimeSpan _interval = TimeSpan.FromMilliseconds(config.GetValue("Callbacks:ParkedReplayIntervalMs", 1000));

    protected override async Task ExecuteAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var replayed = await ReplayOnceAsync(stop);
                Passes.Increment();
                if (replayed == BatchSize) continue;   // more may be ready
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
        await using var tx = await ledger.BeginAsync(ct);
        var waiting = await ParkedCallbacks.WaitingForAsync(tx, 10 * BatchSize, ct);
        if (waiting.Count == 0) return 0;
        var stored = await notifications.StoredMessageIdsAsync(waiting, ct);
        if (stored.Count == 0) return 0;
        var taken = await ParkedCallbacks.TakeAsync(tx, stored, BatchSize, ct);
        if (taken.Count == 0) return 0;
        foreach (var group in taken.GroupBy(t => t.ProviderId))
        {
            // A deleted provider config cannot be trusted any more: its events are dropped.
            if (await providers.FindAsync(group.Key, ct) is not { } provider) continue;
            // Deduplicated when they first arrived; park: false, since their id is stored now.
            var events = group.Select(t => t.Event with { DedupeKey = null }).ToList();
            var outcomes = await updater.ApplyInAsync(tx, provider, events, park: false, ct);
            CallbackMetrics.AppliedEvents(CallbackMetrics.Label(provider.Kind), outcomes.For(events).Applied);
        }
        await tx.CommitAsync(ct);
        return taken.Count;
    }
}
