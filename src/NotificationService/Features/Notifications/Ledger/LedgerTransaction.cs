using Npgsql;
using NotificationService.Queue;

namespace NotificationService.Features.Notifications;

/// <summary>
/// A transaction that notification changes are written in. Whatever joins it (the ledger, subscribers, the caller's
/// own statements) commits together; after the commit it wakes the queues that were enqueued to and tells the
/// ledger's observers. Open one with <see cref="NotificationLedger.BeginAsync"/>.
/// </summary>
public sealed class LedgerTransaction : IAsyncDisposable
{
    private readonly JobQueue _queue;
    private readonly Action<Exception>? _onObserverError;
    private readonly HashSet<string> _wake = new(StringComparer.Ordinal);
    private List<Action>? _afterCommit;

    internal LedgerTransaction(NpgsqlConnection connection, NpgsqlTransaction transaction, JobQueue queue, Action<Exception>? onObserverError)
    {
        Connection = connection;
        Transaction = transaction;
        _queue = queue;
        _onObserverError = onObserverError;
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
        await Transaction.CommitAsync(ct);
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
        await Transaction.DisposeAsync();
        await Connection.DisposeAsync();
    }
}
