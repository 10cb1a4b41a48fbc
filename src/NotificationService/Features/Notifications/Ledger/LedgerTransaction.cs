using Npgsql;
using NotificationService.Queue;

namespace NotificationService.Features.Notifications;

/// <summary>
/// A transaction that notification changes are written in. Whatever joins it (the ledger, subscribers, the caller's
/// own statements) commits together; after the commit it wakes the queues that were enqueued to and tells the
/// ledger's observers. Open one with <see cref="NotificationLedger.BeginAsync"/>, or join a transaction the queue opened
/// with <see cref="NotificationLedger.Join"/> (its owner commits it; what would follow the commit is handed to the owner).
/// </summary>
public sealed class LedgerTransaction : IAsyncDisposable
{
    private readonly JobQueue _queue;
    private readonly Action<Exception>? _onObserverError;
    private readonly HashSet<string> _wake = new(StringComparer.Ordinal);
    private readonly QueueTransaction? _owner;
    private List<Action>? _afterCommit;

    internal LedgerTransaction(NpgsqlConnection connection, NpgsqlTransaction transaction, JobQueue queue, Action<Exception>? onObserverError)
    {
        Connection = connection;
        Transaction = transaction;
        _queue = queue;
        _onObserverError = onObserverError;
    }

    internal LedgerTransaction(QueueTransaction owner, JobQueue queue, Action<Exception>? onObserverError)
        : this(owner.Connection, owner.Transaction, queue, onObserverError)
    {
        _owner = owner;
        owner.AfterCommit(Committed);
    }

    public NpgsqlConnection Connection { get; }
    public NpgsqlTransaction Transaction { get; }

    /// <summary>A statement inside this transaction.</summary>
    public NpgsqlCommand Command(string sql) => new(sql, Connection, Transaction);

    /// <summary>Jobs were enqueued to <paramref name="queue"/>: wake its workers once they are visible.</summary>
    public void WakeAfterCommit(string queue) => _wake.Add(queue);

    internal void AfterCommit(Action action) => (_afterCommit ??= []).Add(action);

    public async Task CommitAsync(CancellationToken ct)
    {
        if (_owner is not null) throw new InvalidOperationException("a joined transaction is committed by the queue that opened it");
        await Transaction.CommitAsync(ct);
        Committed();
    }

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
        if (_owner is not null) return;   // the owner's to dispose
        await Transaction.DisposeAsync();
        await Connection.DisposeAsync();
    }
}
