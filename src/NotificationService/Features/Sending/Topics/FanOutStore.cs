using Npgsql;
using NotificationService.Features.Sending.Notifications;

namespace NotificationService.Features.Sending.Topics;

/// <summary>A fan-out as its runner takes it: its topics, the accepted send (JSON) and, once snapshotted, how many members it
/// has.</summary>
public sealed record FanOutRun(Guid TenantId, Guid Id, string[] Topics, string DefinitionJson, long? MembersTotal)
{
    /// <summary>A send's quota charge at accept (<see cref="FanOutQuota"/>), settled by its snapshot.</summary>
    public string? QuotaPrepaidJson { get; init; }
}

/// <summary>A fan-out's snapshot: how many members it took, and, when a quota did not take them all, its limits.</summary>
public sealed record FanOutSnapshot(long Total, string? QuotaLimitsJson);

/// <summary>One chunk of a fan-out's snapshot: member ids in userId order and, for a send to several topics, each one's topic
/// mask.</summary>
public sealed record FanOutChunk(int No, string[] UserIds, int[]? TopicMasks);

/// <summary>What a fan-out makes for each member: notifications (a send to topics) or workflow runs (a trigger naming topics).</summary>
public static class FanOutKind
{
    public const string Send = "send", Workflow = "workflow";
}

/// <summary>How a fan-out is doing (GET /fan-outs/{id}). NotificationsCreated: for a workflow fan-out, the runs started.</summary>
public sealed record FanOutStatus(Guid Id, string Status, IReadOnlyList<string> Topics, long? MembersTotal, long MembersDone,
    long NotificationsCreated,
    double Percent, double RowsPerSecond, string? Error, DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt);

/// <summary>
/// The one writer of `fan_outs` and `fan_out_chunks`: a fan-out's life (pending → running → completed / failed /
/// cancelled), its snapshot of the membership in chunks, and its counters. A chunk is consumed (deleted) by the very
/// transaction that creates its notifications, which is what makes a fan-out exactly-once: see FanOutJobHandler.
/// </summary>
public sealed partial class FanOutStore(NpgsqlDataSource db)
{
    public async Task CreateAsync(LedgerTransaction tx, Guid tenantId, Guid id, string kind, string[] topics,
        string definitionJson, CancellationToken ct, string? quotaPrepaidJson = null)
    {
        await using var cmd = tx.Command(Sql.Create);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(topics);
        cmd.Parameters.AddWithValue(definitionJson);
        cmd.Parameters.AddWithValue(kind);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)quotaPrepaidJson ?? DBNull.Value,
            NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<FanOutRun?> StartAsync(Guid tenantId, Guid id, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(Sql.Start);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(id);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        return new FanOutRun(tenantId, id, r.GetFieldValue<string[]>(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetInt64(2))
        {
            QuotaPrepaidJson = r.IsDBNull(3) ? null : r.GetString(3),
        };
    }

    /// <summary>
    /// Copies the membership into chunks under the fan-out's row lock, once; returns how many members were taken, or null
    /// when the fan-out is no longer running. A snapshot taken already (by a run that crashed later) is kept as it is.
    /// <paramref name="settle"/>: in the snapshot's transaction, given the members taken, charges them to the quotas and
    /// answers the limits to keep with the snapshot (<see cref="FanOutQuota.SettleAsync"/>).
    /// </summary>
    public async Task<FanOutSnapshot?> SnapshotAsync(FanOutRun run, string[] excluded, int membersPerChunk, CancellationToken ct,
        Func<NpgsqlConnection, NpgsqlTransaction, long, Task<string?>>? settle = null)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using (var lockRow = new NpgsqlCommand(Sql.LockRunning, conn, tx))
        {
            lockRow.Parameters.AddWithValue(run.TenantId);
            lockRow.Parameters.AddWithValue(run.Id);
            await using var r = await lockRow.ExecuteReaderAsync(ct);
            if (!await r.ReadAsync(ct)) return null;
            if (!r.IsDBNull(0)) return new FanOutSnapshot(r.GetInt64(0), r.IsDBNull(1) ? null : r.GetString(1));
        }
        await using var cmd = new NpgsqlCommand(Sql.Snapshot, conn, tx) { CommandTimeout = 0 };   // a million members take seconds
        cmd.Parameters.AddWithValue(run.TenantId);
        cmd.Parameters.AddWithValue(run.Id);
        cmd.Parameters.AddWithValue(run.Topics);
        cmd.Parameters.AddWithValue(excluded);
        cmd.Parameters.AddWithValue((long)membersPerChunk);
        var total = (long)(await cmd.ExecuteScalarAsync(ct))!;
        var limits = settle is null ? null : await settle(conn, tx, total);
        if (limits is not null)
        {
            await using var keep = new NpgsqlCommand(Sql.KeepQuotaLimits, conn, tx);
            keep.Parameters.AddWithValue(run.TenantId);
            keep.Parameters.AddWithValue(run.Id);
            keep.Parameters.AddWithValue(limits);
            await keep.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return new FanOutSnapshot(total, limits);
    }

    public async Task<FanOutChunk?> NextChunkAsync(Guid tenantId, Guid id, int after, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(Sql.NextChunk);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(after);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        if (!await r.ReadAsync(ct)) return null;
        return new FanOutChunk(r.GetInt32(0), r.GetFieldValue<string[]>(1), r.IsDBNull(2) ? null : r.GetFieldValue<int[]>(2));
    }

    /// <summary>
    /// In the chunk's transaction, first: the chunk's members as they are now, or null when another run consumed it already
    /// (it blocks until that one ends). A member an erase took out since the chunk was read is not among them: the caller
    /// leaves them out (<see cref="ForgetMemberAsync"/>).
    /// </summary>
    public static async Task<string[]?> ConsumeAsync(LedgerTransaction tx, Guid tenantId, Guid id, int chunkNo, CancellationToken ct)
    {
        await using var cmd = tx.Command(Sql.Consume);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(chunkNo);
        return await cmd.ExecuteScalarAsync(ct) as string[];
    }

    /// <summary>In the chunk's transaction, last (the fan-out's row is then locked only until the commit): false when it was
    /// cancelled.</summary>
    public static async Task<bool> RecordAsync(LedgerTransaction tx, Guid tenantId, Guid id, int members, int notifications,
        CancellationToken ct)
    {
        await using var cmd = tx.Command(Sql.Record);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue((long)members);
        cmd.Parameters.AddWithValue((long)notifications);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary><see cref="RecordAsync"/> for a workflow fan-out: the chunk's members and the runs it started.</summary>
    public static async Task<bool> RecordRunsAsync(LedgerTransaction tx, Guid tenantId, Guid id, int members, int runs,
        CancellationToken ct)
    {
        await using var cmd = tx.Command(Sql.RecordRuns);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue((long)members);
        cmd.Parameters.AddWithValue((long)runs);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    public Task<int> CompleteAsync(Guid tenantId, Guid id, CancellationToken ct) => ExecAsync(Sql.Complete, ct, tenantId, id);

    public Task<int> FailAsync(Guid tenantId, Guid id, string error, CancellationToken ct) => ExecAsync(Sql.Fail, ct, tenantId, id, error);

    /// <summary>
    /// Cancels (false when it had ended already or is not the tenant's), then drops the chunks no commit holds. In two
    /// steps, and skipping held chunks: a chunk being committed holds its row while it waits for the fan-out's row, so
    /// waiting for it here would deadlock; once the cancel has committed, that chunk sees it, rolls back, and its runner
    /// drops what is left (as does a later run of a job whose worker died).
    /// </summary>
    public Task<bool> CancelAsync(Guid tenantId, Guid id, CancellationToken ct) => CancelAsync(tenantId, id, FanOutKind.Send, ct);

    /// <inheritdoc cref="CancelAsync(Guid, Guid, CancellationToken)"/>
    public async Task<bool> CancelAsync(Guid tenantId, Guid id, string kind, CancellationToken ct)
    {
        if (await ExecAsync(Sql.Cancel, ct, tenantId, id, kind) == 0) return false;
        await ExecAsync(Sql.DropIdleChunks, ct, tenantId, id);
        return true;
    }

    public Task<int> DropChunksAsync(Guid tenantId, Guid id, CancellationToken ct) => ExecAsync(Sql.DropChunks, ct, tenantId, id);

    public Task<FanOutStatus?> GetAsync(Guid tenantId, Guid id, CancellationToken ct) => GetAsync(tenantId, id, FanOutKind.Send, ct);

    /// <summary>The fan-out when it is the tenant's and of this kind (a send's URL does not show a workflow's, nor the reverse).</summary>
    public async Task<FanOutStatus?> GetAsync(Guid tenantId, Guid id, string kind, CancellationToken ct) =>
        (await ReadAsync(Sql.Get, ct, tenantId, id, kind)).FirstOrDefault();

    public Task<List<FanOutStatus>> OfTopicAsync(Guid tenantId, string topic, int limit, CancellationToken ct) =>
        ReadAsync(Sql.OfTopic, ct, tenantId, topic, limit);

    private async Task<List<FanOutStatus>> ReadAsync(string sql, CancellationToken ct, params object[] args)
    {
        await using var cmd = db.CreateCommand(sql);
        foreach (var a in args) cmd.Parameters.AddWithValue(a);
        var list = new List<FanOutStatus>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var status = r.GetString(1);
            long? total = r.IsDBNull(3) ? null : r.GetInt64(3);
            var (done, created) = (r.GetInt64(4), r.GetInt64(5));
            var seconds = r.IsDBNull(10) ? 0 : r.GetDouble(10);
            var percent = status == "completed" ? 100 : total is > 0 ? Math.Round(100.0 * done / total.Value, 1) : 0;
            list.Add(new FanOutStatus(r.GetGuid(0), status, r.GetFieldValue<string[]>(2), total, done, created, percent,
                seconds > 0 ? Math.Round(created / seconds) : 0, r.IsDBNull(6) ? null : r.GetString(6), r.GetFieldValue<DateTimeOffset>(7),
                r.IsDBNull(8) ? null : r.GetFieldValue<DateTimeOffset>(8), r.IsDBNull(9) ? null : r.GetFieldValue<DateTimeOffset>(9)));
        }
        return list;
    }

    private async Task<int> ExecAsync(string sql, CancellationToken ct, params object[] args)
    {
        await using var cmd = db.CreateCommand(sql);
        foreach (var a in args) cmd.Parameters.AddWithValue(a);
        return await cmd.ExecuteNonQueryAsync(ct);
    }
}
