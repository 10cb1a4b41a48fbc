using Npgsql;
using NotificationService.Queue;

namespace NotificationService.Features.Sending.Notifications;

/// <summary>
/// A transaction that notification changes are written in. Whatever joins it (the ledger, subscribers, the caller's
/// own statements) commits together; after the commit it wakes the queues that were enqueued to and tells the
/// ledger's observers. Open one with <see cref="NotificationLedger.BeginAsync"/>, or join a transaction the queue opened
/// with <see cref="NotificationLedger.Join(QueueTransaction)"/> (its owner commits it; what would follow the commit is handed to
/// the owner), or one another feature opened (<see cref="NotificationLedger.Join(NpgsqlConnection, NpgsqlTransaction)"/>: its
/// owner commits it, then calls <see cref="OwnerCommitted"/>).
/// </summary>
public sealed class LedgerTransaction : IAsyncDisposable
{
    private readonly JobQueue _queue;
    private readonly Action<Exception>? _onObserverError;
    private readonly HashSet<string> _wake = new(StringComparer.Ordinal);
    private readonly bool _joined;
    private List<Action>? _afterCommit;

    /// <param name="joined">Someone else's transaction: they commit and dispose it.</param>
    internal LedgerTransaction(NpgsqlConnection connection, NpgsqlTransaction transaction, JobQueue queue,
        Action<Exception>? onObserverError, bool joined = false)
    {
        Connection = connection;
        Transaction = transaction;
        _queue = queue;
        _onObserverError = onObserverError;
        _joined = joined;
    }

    internal LedgerTransaction(QueueTransaction owner, JobQueue queue, Action<Exception>? onObserverError)
        : this(owner.Connection, owner.Transaction, queue, onObserverError, joined: true) =>
        owner.AfterCommit(Committed);

    public NpgsqlConnection Connection { get; }
    public NpgsqlTransaction Transaction { get; }

    /// <summary>A statement inside this transaction.</summary>
    public NpgsqlCommand Command(string sql) => new(sql, Connection, Transaction);

    /// <summary>Jobs were enqueued to <paramref name="queue"/>: wake its workers once they are visible.</summary>
    public void WakeAfterCommit(string queue) => _wake.Add(queue);

    internal void AfterCommit(Action action) => (_afterCommit ??= []).Add(action);

    public async Task CommitAsync(CancellationToken ct)
    {
        if (_joined) throw new InvalidOperationException("a joined transaction is committed by whoever opened it");
        await Transaction.CommitAsync(ct);
        Committed();
    }

    /// <summary>For a transaction joined with <see cref="NotificationLedger.Join(NpgsqlConnection, NpgsqlTransaction)"/>: its owner
    /// committed it, so the queues are woken and the observers told (once; never after a rollback).</summary>
    public void OwnerCommitted() => Committed();

    private void Committed()
    {
        if (_wake.Count > 0) _queue.NotifyCommitted(_wake);
        foreach (var action in _afterCommit ?? [])
        {
            try { action(); }
            catch (Exception e) { _onObserverError?.Invoke(e); }   // committed is committed: an observer cannot undo it
        }
    }

    public Task RollbackAsync(CancellationToken ct) => Transaction.RollbackAsync(ct);

    public async ValueTask DisposeAsync()
    {
        if (_joined) return;   // the owner's to dispose
        await Transaction.DisposeAsync();
        await Connection.DisposeAsync();
    }
}
