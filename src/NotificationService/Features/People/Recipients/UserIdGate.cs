using Npgsql;
using NotificationService.Contracts;
using NotificationService.Infrastructure;

namespace NotificationService.Features.People.Recipients;

/// <summary>
/// The door every write that stores a userId passes before it writes: devices (the service's and the user's own),
/// preferences (both routes), topic membership, minted end-user tokens, live events to users and workflow triggers.
/// Identify, bulk identify, CSV imports and a send's `recipient.profile` pass the same check inside
/// <see cref="ProfileStore.WriteAsync(Guid, IReadOnlyList{ProfileWrite}, string, CancellationToken)"/>'s transaction; a send by
/// userId alone is
/// accepted and ends `skipped`, `erased` at delivery (<see cref="ProfileStore.ForDeliveryAsync"/>).
/// A userId that breaks <see cref="UserIdRule"/> is a 400 naming its field; one erased with `block=true` a 409 naming it,
/// as identify answers, and nothing is written.
/// A write that passes the gate in its own transaction (<see cref="WriteAsync"/>: device registration) cannot cross an
/// erase's block: see <see cref="UserBlocklist"/>. The others look before their write, outside it, so a block that commits
/// between the look and the write lets that one write through (the erase's own steps remove it if it commits before them).
/// </summary>
public sealed class UserIdGate(NpgsqlDataSource db, UserBlocklist blocklist)
{
    public Task AdmitAsync(Guid tenantId, string? userId, string field, CancellationToken ct) =>
        AdmitAsync(tenantId, [userId!], _ => field, ct);

    /// <param name="fieldOf">The field that names the userId at an index (`to.userIds[3]`), for the error.</param>
    public async Task AdmitAsync(Guid tenantId, IReadOnlyList<string> userIds, Func<int, string> fieldOf, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        for (var i = 0; i < userIds.Count; i++)
            if (UserIdRule.Problem(userIds[i]) is { } problem) errors[fieldOf(i)] = [problem];
        if (errors.Count > 0) throw new RequestValidationException(errors);

        HashSet<string> blocked;
        await using (var conn = await db.OpenConnectionAsync(ct))
            blocked = await blocklist.BlockedAsync(conn, null, tenantId, userIds, ct);
        if (blocked.Count == 0) return;
        for (var i = 0; i < userIds.Count; i++)
            if (blocked.Contains(userIds[i])) errors[fieldOf(i)] = [ProfileStore.BlockedMessage];
        throw new RequestValidationException(errors, StatusCodes.Status409Conflict);
    }

    /// <summary>
    /// Writes <paramref name="write"/> for the user unless they are blocked, in one transaction that serializes with a block:
    /// the user's shared lock, the look for a block and the write go in one round trip, then the commit (or, blocked, a
    /// rollback and a 409 naming <paramref name="field"/>): the two round trips the look and the write took before.
    /// </summary>
    public async Task WriteAsync(Guid tenantId, string userId, string field, NpgsqlBatchCommand write, CancellationToken ct)
    {
        if (UserIdRule.Problem(userId) is { } problem) throw RequestValidationException.For(field, problem);
        var user = new[] { (tenantId, userId) };
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await using var batch = new NpgsqlBatch(conn, tx);
        // The lock first: the look after it reads what committed while it waited.
        batch.BatchCommands.Add(UserBlocklist.LockCommand(tenantId, [userId]));
        batch.BatchCommands.Add(blocklist.FindCommand(user));
        batch.BatchCommands.Add(write);
        HashSet<(Guid, string)> blocked;
        await using (var r = await batch.ExecuteReaderAsync(ct))
        {
            await r.NextResultAsync(ct);
            blocked = await UserBlocklist.ReadBlockedAsync(r, user, ct);
            while (await r.NextResultAsync(ct)) { }
        }
        if (blocked.Count > 0)
        {
            await tx.RollbackAsync(ct);
            throw new RequestValidationException(new Dictionary<string, string[]> { [field] = [ProfileStore.BlockedMessage] },
                StatusCodes.Status409Conflict);
        }
        await tx.CommitAsync(ct);
    }
}
