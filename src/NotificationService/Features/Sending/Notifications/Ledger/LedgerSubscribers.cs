namespace NotificationService.Features.Sending.Notifications;

/// <summary>
/// Hears every status change inside the transaction that makes it, so what it writes (a webhook delivery, an inbox
/// counter) commits with the change or not at all. Registered in DI; the ledger calls each one that
/// <see cref="Wants"/> the status, in registration order.
/// </summary>
public interface INotificationSubscriber
{
    /// <summary>Asked before any work is done for a status: a subscriber that wants none of a batch costs nothing.</summary>
    bool Wants(string status);

    /// <summary>
    /// Whether <see cref="OnAcceptedAsync"/> has anything to write for these notifications. When no subscriber has, the
    /// accept batcher commits a group's jobs and notifications in one round trip, outside any transaction of its own
    /// (<see cref="NotificationWriter.AcceptAsync"/>). Say false only when OnAcceptedAsync would write nothing.
    /// </summary>
    ValueTask<bool> WritesOnAcceptAsync(IReadOnlyList<NotificationDraft> accepted, CancellationToken ct) => ValueTask.FromResult(true);

    /// <summary>Notifications just accepted (status `queued`, or scheduled), before commit.</summary>
    Task OnAcceptedAsync(LedgerTransaction tx, IReadOnlyList<NotificationDraft> accepted, CancellationToken ct) => Task.CompletedTask;

    /// <summary>Status changes of existing notifications, before commit.</summary>
    Task OnChangedAsync(LedgerTransaction tx, IReadOnlyList<StatusChange> changes, CancellationToken ct) => Task.CompletedTask;
}

/// <summary>
/// Hears every status change once it has committed (a live stream, metrics): it must not block or throw (a failure is
/// logged and does not undo the change, which is already durable).
/// </summary>
public interface INotificationObserver
{
    bool Wants(string status);

    void OnAccepted(IReadOnlyList<NotificationDraft> accepted) { }

    void OnChanged(IReadOnlyList<StatusChange> changes) { }
}
