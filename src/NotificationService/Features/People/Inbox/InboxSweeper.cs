namespace NotificationService.Features.People.Inbox;

/// <summary>
/// Takes expired items out of the counts (announcing it to open streams). A user's own count read sweeps that user at
/// once, so this pass only keeps idle users' counters and streams current. Old stream events and gone items are the
/// Retention feature's (see InboxRetention).
/// </summary>
public sealed class InboxSweeper(InboxStore store, IConfiguration config, ILogger<InboxSweeper> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken ct)
    {
        var interval = TimeSpan.FromSeconds(config.GetValue("Inbox:SweepIntervalSeconds", 30.0));
        using var timer = new PeriodicTimer(interval);
        do
        {
            try
            {
                while (await store.SweepExpiredAsync(200, ct) == 200) { }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested) { return; }
            catch (Exception e) { log.LogWarning(e, "Inbox sweep failed; the next pass retries"); }
        }
        while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false));
    }
}
