using Npgsql;
using NotificationService.Queue;

namespace NotificationService.Features.Sending.Notifications;

/// <summary>
/// The one owner of notifications and their status history: the only code that writes `notifications` and
/// `notification_events`. It inserts accepted notifications, moves statuses through the forward-only
/// <see cref="StatusMachine"/> (one statement per batch on the hot paths), writes the history, and hands every change to
/// <see cref="INotificationSubscriber"/>s inside the transaction and to <see cref="INotificationObserver"/>s after it
/// commits. Split by path: Accept, Delivery, Reports (provider callbacks) and Admin (cancel, requeue); SQL in LedgerSql.cs.
/// </summary>
public sealed partial class NotificationLedger(NpgsqlDataSource db, JobQueue queue, IEnumerable<INotificationSubscriber> subscribers,
    IEnumerable<INotificationObserver> observers, ILogger<NotificationLedger> log)
{
    private readonly INotificationSubscriber[] _subscribers = [.. subscribers];
    private readonly INotificationObserver[] _observers = [.. observers];

    /// <summary>A transaction on a connection of its own; notification changes and the caller's own statements commit together.</summary>
    public async Task<LedgerTransaction> BeginAsync(CancellationToken ct)
    {
        var conn = await db.OpenConnectionAsync(ct);
        try
        {
            return new LedgerTransaction(conn, await conn.BeginTransactionAsync(ct), queue, ObserverFailed);
        }
        catch
        {
            await conn.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The queue's own transaction (the rescuer setting jobs aside), so notification changes commit with the jobs'; the
    /// queue commits it, and subscribers' wake-ups and observers follow that commit.
    /// </summary>
    public LedgerTransaction Join(QueueTransaction owner) => new(owner, queue, ObserverFailed);

    /// <summary>
    /// A transaction another feature opened (the inbox's, so an item's read and its notification's `read` commit together):
    /// the owner commits and disposes it, then calls <see cref="LedgerTransaction.OwnerCommitted"/>.
    /// </summary>
    public LedgerTransaction Join(NpgsqlConnection connection, NpgsqlTransaction transaction) =>
        new(connection, transaction, queue, ObserverFailed, joined: true);

    /// <summary>Whether any subscriber needs to hear about <paramref name="status"/> inside the transaction.</summary>
    private bool SubscribedInTransaction(string status) => _subscribers.Any(s => s.Wants(status));

    /// <summary>Subscribers now (inside <paramref name="tx"/>), observers once it commits.</summary>
    private async Task PublishAsync(LedgerTransaction tx, IReadOnlyList<StatusChange> changes, CancellationToken ct)
    {
        if (changes.Count == 0) return;
        foreach (var s in _subscribers)
            if (Wanted(s.Wants, changes) is { Count: > 0 } wanted) await s.OnChangedAsync(tx, wanted, ct);
        foreach (var o in _observers)
            if (Wanted(o.Wants, changes) is { Count: > 0 } wanted) tx.AfterCommit(() => o.OnChanged(wanted));
    }

    /// <summary>For changes committed by a single statement outside any <see cref="LedgerTransaction"/>.</summary>
    private void PublishCommitted(IReadOnlyList<StatusChange> changes)
    {
        foreach (var o in _observers)
            if (Wanted(o.Wants, changes) is { Count: > 0 } wanted)
                try { o.OnChanged(wanted); }
                catch (Exception e) { ObserverFailed(e); }
    }

    private static IReadOnlyList<StatusChange> Wanted(Func<string, bool> wants, IReadOnlyList<StatusChange> changes)
    {
        if (changes.All(c => wants(c.Status))) return changes;   // the usual case: no copy
        return changes.Where(c => wants(c.Status)).ToList();
    }

    private void ObserverFailed(Exception e) =>
        log.LogError(e, "a notification observer failed after commit; the change itself is committed");
}
