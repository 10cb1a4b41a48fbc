using NotificationService.Contracts;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Features.Sending.Suppressions;

namespace NotificationService.Features.Sending.ProviderCallbacks;

/// <summary>
/// Applies one callback's events in one transaction, set-based whatever the batch size: dedupe, then the ledger locks
/// the notifications named, folds each one's events through its status machine and writes statuses, history (source
/// 'provider') and, through its subscribers, webhook deliveries; then suppressions, commit.
/// Events naming a provider message id we have not stored yet are parked (<see cref="ParkedCallbacks"/>).
/// </summary>
public sealed class StatusUpdater(NotificationLedger ledger, SuppressionStore suppressions)
{
    /// <summary>Parked: events for a message id not stored yet, applied when it is (see <see cref="ParkedCallbacks"/>).</summary>
    public sealed record Result(int Applied, int Unknown, int Duplicates, int Parked = 0);

    public async Task<Result> ApplyAsync(CallbackProvider provider, IReadOnlyList<ProviderEvent> events, CancellationToken ct)
    {
        await using var tx = await ledger.BeginAsync(ct);
        var outcomes = await ApplyInAsync(tx, provider, events, park: true, ct);
        await tx.CommitAsync(ct);
        return outcomes.For(events);
    }

    /// <summary>
    /// Inside the caller's transaction. Outcomes are kept per event instance, so a caller that merged several
    /// requests' events (<see cref="CallbackBatcher"/>) can answer each request with its own counts.
    /// </summary>
    public async Task<EventOutcomes> ApplyInAsync(LedgerTransaction tx, CallbackProvider provider,
        IReadOnlyList<ProviderEvent> events, bool park, CancellationToken ct)
    {
        var fresh = await CallbackDedupe.FreshAsync(tx, provider.Id, events, ct);
        var reports = fresh.Select(e => new ReportedStatus(e.NotificationId, e.ProviderMessageId, e.Status, e.Detail, e.Error, e.At))
            .ToList();
        var matched = await ledger.ApplyReportsAsync(tx, provider.TenantId, "provider", reports, ct);

        var outcomes = new EventOutcomes(fresh);
        var parked = new List<ProviderEvent>();
        var suppress = new List<(DateTimeOffset? At, SuppressionEntry Entry)>();
        for (var i = 0; i < fresh.Count; i++)
        {
            var (e, n) = (fresh[i], matched[i]);
            if (n is null)
            {
                if (park && ParkedCallbacks.Parkable(e)) parked.Add(e);
                else outcomes.Unknown.Add(e);
                // An unsubscribe or bounce still names an address we must stop messaging, even for a message we cannot find.
                if (e.Suppress?.Address is not null) suppress.Add((e.At, Entry(provider, null, e)));
            }
            else if (e.Suppress is not null) suppress.Add((e.At, Entry(provider, n, e)));
        }
        // The first reason recorded for an address is kept: earliest event first.
        await suppressions.AddAsync(tx.Connection, tx.Transaction,
            suppress.OrderBy(s => s.At ?? DateTimeOffset.MinValue).Select(s => s.Entry).Where(s => s.Address is not null).ToList(), ct);
        await ParkedCallbacks.ParkAsync(tx, provider, parked, ct);
        outcomes.Parked.UnionWith(parked);
        return outcomes;
    }

    private static SuppressionEntry Entry(CallbackProvider p, ReportedNotification? n, ProviderEvent e) => new(p.TenantId, p.Channel,
        Addresses.Normalize(p.Channel, e.Suppress!.Address)
            ?? (n is null ? null : Addresses.Of(p.Channel, n.Recipient.Email, n.Recipient.Phone)),
        e.Suppress.Reason, e.Detail, p.Id, n?.Id);
}
