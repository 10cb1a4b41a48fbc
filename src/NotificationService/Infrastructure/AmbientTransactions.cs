using System.Transactions;
using Npgsql;

namespace NotificationService.Infrastructure;

/// <summary>
/// A store's own transaction, or none inside a <see cref="TransactionScope"/>: a configuration push applies many stores'
/// writes as one unit (<see cref="AllOrNothing"/>), Npgsql enlists every connection the scope opens on one physical
/// connection, and a local BEGIN there would be refused ("a transaction is already in progress"). A store that needs its
/// statements together begins with <see cref="BeginOwnAsync"/> and ends with <see cref="CommitOwnAsync"/>; outside a scope
/// nothing changes.
/// </summary>
public static class AmbientTransactions
{
    public static async Task<NpgsqlTransaction?> BeginOwnAsync(this NpgsqlConnection conn, CancellationToken ct) =>
        Transaction.Current is null ? await conn.BeginTransactionAsync(ct) : null;

    public static Task CommitOwnAsync(this NpgsqlTransaction? tx, CancellationToken ct) => tx?.CommitAsync(ct) ?? Task.CompletedTask;

    /// <summary>
    /// One database transaction around everything <paramref name="work"/> writes through the main data source; committed when
    /// it returns <c>true</c>, rolled back when it returns <c>false</c> (a dry run) or throws.
    /// </summary>
    public static async Task<T> AllOrNothing<T>(Func<Task<(T Result, bool Commit)>> work)
    {
        using var scope = new TransactionScope(TransactionScopeOption.Required,
            new TransactionOptions { IsolationLevel = IsolationLevel.ReadCommitted, Timeout = TimeSpan.FromMinutes(2) },
            TransactionScopeAsyncFlowOption.Enabled);
        var (result, commit) = await work();
        if (commit) scope.Complete();
        return result;
    }
}
