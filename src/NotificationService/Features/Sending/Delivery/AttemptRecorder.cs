using System.Threading.Channels;
using NotificationService.Features.People.Devices;
using NotificationService.Features.Sending.Notifications;

namespace NotificationService.Features.Sending.Delivery;

/// <summary>
/// Records each provider call's outcome as the call returns, not when the whole claimed batch is done: a worker killed
/// mid-batch used to lose the outcomes of every call its batch had already made (300 emails sent, none recorded), and
/// the batch claimed again called the provider for all of them a second time. Now a message the provider accepted is
/// `sent` (with its provider message id in the attempt's history row) before its job is acknowledged, and the batch
/// claimed again skips it (<see cref="NotificationLedger.BeginSendingAsync"/> claims only queued/sending). What a kill
/// can still send twice is only the calls in flight: sent to the provider, answer not yet committed here.
/// <para>
/// One <see cref="BatchAttempts"/> per claimed batch commits what has returned since its last commit, lingering
/// <see cref="Linger"/> for the rest of the batch first: a batch's answers mostly return together (the sandbox's one
/// flush, a fast provider), so a batch is usually one statement, as when outcomes waited for the whole batch, while a
/// slow call no longer holds the others' outcomes back. A recorder shared across batches (every returned call its own
/// awaited write) cost a quarter more worker CPU per delivery and a second statement per batch.
/// </para>
/// </summary>
public sealed class AttemptRecorder(NotificationLedger ledger, DeviceStore devices)
{
    /// <summary>How long a returned outcome waits for the rest of its batch before it is committed without them.</summary>
    public static readonly TimeSpan Linger = TimeSpan.FromMilliseconds(5);

    public BatchAttempts ForBatch(CancellationToken ct) => new(CommitAsync, ct);

    private async Task CommitAsync(IReadOnlyList<ReturnedAttempt> returned, CancellationToken ct)
    {
        // Dead tokens go first: once the ledger says `sent`, a reader (or the next push) must already see them gone. A
        // crash between the two retries the job, which re-resolves the user's devices without them.
        await devices.DeactivateAsync([.. returned.SelectMany(r => r.DeadTokens).Distinct()],
            "provider reported the token unregistered", ct);
        await ledger.RecordAttemptsAsync([.. returned.Select(r => r.Attempt)], ct);
    }
}

/// <summary>One outcome to commit, and the push tokens its provider said are dead.</summary>
public sealed record ReturnedAttempt(AttemptOutcome Attempt, IReadOnlyList<(Guid TenantId, string Token)> DeadTokens);

/// <summary>The outcomes of one claimed batch, committed as they return (see <see cref="AttemptRecorder"/>).</summary>
public sealed class BatchAttempts
{
    private readonly Channel<ReturnedAttempt> _returned = Channel.CreateUnbounded<ReturnedAttempt>(new() { SingleReader = true });
    private readonly TaskCompletionSource _allReturned = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Func<IReadOnlyList<ReturnedAttempt>, CancellationToken, Task> _commit;
    private readonly Task _committing;

    internal BatchAttempts(Func<IReadOnlyList<ReturnedAttempt>, CancellationToken, Task> commit, CancellationToken ct)
    {
        _commit = commit;
        _committing = CommitAsTheyReturnAsync(ct);
    }

    public void Returned(ReturnedAttempt attempt) => _returned.Writer.TryWrite(attempt);

    /// <summary>Call once every outcome of the batch is <see cref="Returned"/>: completes when all are committed.</summary>
    public Task AllReturnedAsync()
    {
        _returned.Writer.TryComplete();
        _allReturned.TrySetResult();
        return _committing;
    }

    private async Task CommitAsTheyReturnAsync(CancellationToken ct)
    {
        var group = new List<ReturnedAttempt>();
        while (await _returned.Reader.WaitToReadAsync(ct))
        {
            if (!_allReturned.Task.IsCompleted) await Task.WhenAny(_allReturned.Task, Task.Delay(AttemptRecorder.Linger, ct));
            while (_returned.Reader.TryRead(out var next)) group.Add(next);
            await _commit(group, ct);
            group.Clear();
        }
    }
}
