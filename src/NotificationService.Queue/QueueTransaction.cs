using Npgsql;

namespace NotificationService.Queue;

/// <summary>
/// A transaction the queue opened to change jobs on its own (the rescuer setting jobs aside), handed to the jobs'
/// handlers so that what the jobs stand for changes in it: both commit, or neither. Work that must wait for the commit
/// (waking other queues, telling observers) is registered with <see cref="AfterCommit"/>.
/// </summary>
public sealed class QueueTransaction
{
    private List<Action>? _afterCommit;

    internal QueueTransaction(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        Connection = connection;
        Transaction = transaction;
    }

    public NpgsqlConnection Connection { get; }
    public NpgsqlTransaction Transaction { get; }

    /// <summary>Runs <paramref name="action"/> once the transaction committed (never when it rolled back).</summary>
    public void AfterCommit(Action action) => (_afterCommit ??= []).Add(action);

    /// <summary>The registered actions, in order; one that throws does not stop the rest (committed is committed).</summary>
    internal void RunAfterCommit(Action<Exception> onError)
    {
        foreach (var action in _afterCommit ?? [])
        {
            try { action(); }
            catch (Exception e) { onError(e); }
        }
    }
}
