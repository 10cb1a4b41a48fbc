using NotificationService.Features.Sending.Notifications;

namespace NotificationService.Tests.Support;

/// <summary>
/// Hears every notification change the service's ledger commits (registered as an observer by the fixture), so a test
/// waits for "this notification was sent" as the event itself rather than polling or sleeping.
/// </summary>
public sealed class LedgerRecorder : INotificationObserver
{
    public Recorded<StatusChange> Changes { get; } = new();
    public Recorded<NotificationDraft> Accepted { get; } = new();

    public bool Wants(string status) => true;
    public void OnAccepted(IReadOnlyList<NotificationDraft> accepted) => Accepted.Add(accepted);
    public void OnChanged(IReadOnlyList<StatusChange> changes) => Changes.Add(changes);

    /// <summary>The committed change that moved <paramref name="id"/> to <paramref name="status"/> (the <paramref name="count"/>th one).</summary>
    public async Task<StatusChange> WaitForAsync(Guid id, string status, int count = 1, TimeSpan? timeout = null) =>
        (await Changes.WaitForAsync(c => c.NotificationId == id && c.Status == status, $"notification {id} → {status}", count, timeout))[count - 1];
}
