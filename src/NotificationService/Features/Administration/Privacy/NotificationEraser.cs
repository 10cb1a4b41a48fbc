using System.Diagnostics;
using System.Text.Json.Nodes;
using NotificationService.Features.Sending.Delivery;
using NotificationService.Features.People.Inbox;
using NotificationService.Features.Sending.Notifications;
using NotificationService.Features.Sending.Webhooks;
using NotificationService.Infrastructure;
using NotificationService.Queue;

namespace NotificationService.Features.Administration.Privacy;

/// <summary>
/// Erases the person's notifications in small transactions beside normal traffic: each batch locks the next
/// <c>Erase:BatchSize</c> (100) of them in id order and, in one transaction, empties them through the ledger (in-flight ones
/// end `cancelled`, reason `erased`), and drops their sandbox copies' content, their webhook payloads' recipient and their
/// inbox items, with the keyset position and counts in the erase job's row. Passes walk the userId, then the email
/// addresses, then the phone numbers; a round that erased anything is followed by another from the start (a send accepted
/// meanwhile, or committed late with a lower id), so the phase ends on a round that found nothing.
/// </summary>
public sealed class NotificationEraser(NotificationLedger ledger, JobQueue queue, IConfiguration config)
{
    private readonly int _batchSize = Math.Max(1, config.GetValue("Erase:BatchSize", 100));
    // The erase's share of its connection's time at most: after a batch that took t it rests t × (1 − share) / share, so
    // on a loaded database (slower batches) it backs off by itself. Batches of 500 with 20 ms pauses took other traffic's
    // accept p99 to 1.45–2.70× of quiet (Mode=all); batches of 100 with these rests 0.52 and 0.67 (BENCHMARKS.md,
    // "Keyset cursors under generic plans, bulk identify's allocations"), at ~75 s for 100,000 notifications.
    /// <summary>`Erase:MaxShare` (a quarter by default: a batch rests three times its time) and `Erase:PauseMs`, the least rest.</summary>
    internal BatchPacing Pacing { get; } =
        new(config.GetValue("Erase:MaxShare", 0.25), TimeSpan.FromMilliseconds(config.GetValue("Erase:PauseMs", 50)));

    private static readonly EraseMatch[] Matches = [EraseMatch.UserId, EraseMatch.Email, EraseMatch.Phone];

    /// <summary>Runs batches from the job's checkpoint until a round finds nothing.</summary>
    public async Task RunAsync(EraseJobState job, CancellationToken ct)
    {
        var position = new Position(job.Match, job.Cursor, job.PassErased);
        while (position is not null)
        {
            try
            {
                position = await BatchAsync(job, position, ct);
            }
            // A worker's statement locked some of these rows in another order and PostgreSQL broke the tie against this
            // batch: nothing of it committed, so it runs again from the same position.
            catch (Npgsql.PostgresException e) when (e.SqlState == Npgsql.PostgresErrorCodes.DeadlockDetected) { }
        }
    }

    /// <summary>Where the erase is: which key it walks, after which id, and what this round erased so far.</summary>
    private sealed record Position(int Match, Guid? Cursor, long RoundErased);

    /// <summary>One batch in one transaction; the position after it, or null when the round found nothing.</summary>
    private async Task<Position?> BatchAsync(EraseJobState job, Position at, CancellationToken ct)
    {
        var keys = KeysOf(job.Subject, Matches[at.Match]);
        var started = Stopwatch.GetTimestamp();
        await using var tx = await ledger.BeginAsync(ct);
        var erased = keys.Length == 0
            ? []
            : await ledger.EraseNextAsync(tx, job.TenantId, Matches[at.Match], keys, at.Cursor, _batchSize, job.Subject.SearchValues, ct);
        var ids = erased.Select(e => e.Id).ToArray();
        var counts = new JsonObject { ["notifications"] = erased.Count, ["cancelled"] = erased.Count(e => e.WasInFlight) };
        if (ids.Length > 0)
        {
            counts["sandboxMessages"] = await SandboxRecorder.EraseAsync(tx.Connection, tx.Transaction, job.TenantId, ids, ct);
            counts["webhookDeliveries"] = await WebhookDeliveryStore.EraseAsync(tx.Connection, tx.Transaction, job.TenantId, ids, ct);
            counts["inboxItems"] = await InboxStore.ForgetItemsAsync(tx.Connection, tx.Transaction, job.TenantId, ids, ct);
        }
        var round = at.RoundErased + erased.Count;
        Position? next = erased.Count == _batchSize ? at with { Cursor = ids[^1], RoundErased = round }
            : at.Match < Matches.Length - 1 ? new Position(at.Match + 1, null, round)
            : round > 0 ? new Position(0, null, 0)       // another round from the start
            : null;
        // Being sent right now: the worker may still record a sandbox copy or an inbox item; the settle phase waits for its
        // job and looks again.
        var sending = erased.Where(e => e.PreviousStatus == Contracts.NotificationStatuses.Sending).ToList();
        var recorded = next ?? new Position(0, null, 0);
        await EraseJobStore.RecordBatchAsync(tx.Connection, tx.Transaction, job,
            recorded.Match, recorded.Cursor, recorded.RoundErased, counts,
            [.. sending.Select(e => e.Id)], [.. sending.Where(e => e.JobId is not null).Select(e => e.JobId!.Value).Distinct()], ct);
        await tx.CommitAsync(ct);
        if (next is not null && erased.Count > 0) await Pacing.RestAfterAsync(started, ct);
        return next;
    }

    /// <summary>
    /// Whether every delivery job that held one of the person's notifications mid-send has let go of it; then what those
    /// sends may have written after their notification was erased (a sandbox copy, an inbox item) is erased too.
    /// </summary>
    public async Task<bool> SettleAsync(EraseJobState job, CancellationToken ct)
    {
        if ((await queue.RunningAsync(job.TenantId, job.WaitingForJobs, ct)).Length > 0) return false;
        if (job.InFlight.Length == 0) return true;
        await using var tx = await ledger.BeginAsync(ct);
        await SandboxRecorder.EraseAsync(tx.Connection, tx.Transaction, job.TenantId, job.InFlight, ct);
        await WebhookDeliveryStore.EraseAsync(tx.Connection, tx.Transaction, job.TenantId, job.InFlight, ct);
        await InboxStore.ForgetItemsAsync(tx.Connection, tx.Transaction, job.TenantId, job.InFlight, ct);
        await tx.CommitAsync(ct);
        return true;
    }

    private static string[] KeysOf(EraseSubject s, EraseMatch match) => match switch
    {
        EraseMatch.UserId => [s.UserId],
        EraseMatch.Email => s.Emails,
        _ => s.Phones,
    };
}
