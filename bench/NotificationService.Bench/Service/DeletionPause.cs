using Npgsql;

namespace NotificationService.Bench.Service;

/// <summary>
/// Holds a tenant deletion still from outside the service: the deletion records each batch in its `tenant_deletions` row
/// after the batch commits, so a row lock held here stops it between two batches (its job waits on the lock, with no
/// transaction of its own open) until <see cref="DisposeAsync"/> lets it go on. The bench's paired windows use it to measure
/// "without the deletion" in the same minutes as "with".
/// </summary>
public sealed class DeletionPause : IAsyncDisposable
{
    private readonly NpgsqlConnection _conn;
    private readonly NpgsqlTransaction _tx;

    private DeletionPause(NpgsqlConnection conn, NpgsqlTransaction tx) => (_conn, _tx) = (conn, tx);

    public static async Task<DeletionPause> HoldAsync(NpgsqlDataSource db, Guid deletionId)
    {
        var conn = await db.OpenConnectionAsync();
        var tx = await conn.BeginTransactionAsync();
        await using var cmd = new NpgsqlCommand("select 1 from tenant_deletions where id = $1 for update", conn, tx);
        cmd.Parameters.AddWithValue(deletionId);
        await cmd.ExecuteScalarAsync();
        return new DeletionPause(conn, tx);
    }

    public async ValueTask DisposeAsync()
    {
        await _tx.CommitAsync();
        await _conn.DisposeAsync();
    }
}
