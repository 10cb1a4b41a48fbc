using Npgsql;

namespace NotificationService.Features.Sending.Topics;

public sealed partial class FanOutStore
{
    /// <summary>
    /// An erase's step, after the user left their topics: the user out of every chunk not yet consumed (a running fan-out no
    /// longer reaches them) and out of every exclude list. A snapshot being taken is waited for, so its chunks are seen; a
    /// chunk read before this commits and consumed after it leaves the user out then (<see cref="ConsumeAsync"/>). Returns
    /// how many fan-outs named the user. An erased user is no longer excluded from a fan-out still pending: nothing is kept
    /// that could exclude them, and they are no longer a member either.
    /// </summary>
    public async Task<int> ForgetMemberAsync(Guid tenantId, string userId, CancellationToken ct)
    {
        var fanOuts = new HashSet<Guid>();
        await using var conn = await db.OpenConnectionAsync(ct);
        await using (var tx = await conn.BeginTransactionAsync(ct))
        {
            await using var batch = new NpgsqlBatch(conn, tx);
            var wait = new NpgsqlBatchCommand(Sql.WaitForSnapshots);
            wait.Parameters.AddWithValue(tenantId);
            batch.BatchCommands.Add(wait);
            batch.BatchCommands.Add(Command(Sql.ForgetMemberInChunks, tenantId, userId));
            await using (var r = await batch.ExecuteReaderAsync(ct))
            {
                await r.NextResultAsync(ct);   // past the running fan-outs (locked, not read)
                while (await r.ReadAsync(ct)) fanOuts.Add(r.GetGuid(0));
            }
            await tx.CommitAsync(ct);
        }
        await using (var cmd = new NpgsqlCommand(Sql.ForgetExcluded, conn))
        {
            cmd.Parameters.AddWithValue(tenantId);
            cmd.Parameters.AddWithValue(userId);
            await using var r = await cmd.ExecuteReaderAsync(ct);
            while (await r.ReadAsync(ct)) fanOuts.Add(r.GetGuid(0));
        }
        return fanOuts.Count;
    }

    private static NpgsqlBatchCommand Command(string sql, Guid tenantId, string userId)
    {
        var cmd = new NpgsqlBatchCommand(sql);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(userId);
        return cmd;
    }
}
