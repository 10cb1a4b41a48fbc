using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;

namespace NotificationService.Features.People.Recipients;

/// <summary>A merge raced a create of the same profile by another transaction: the caller runs its transaction again.</summary>
public sealed class ProfileWriteRaceException() : Exception("a profile was created by another transaction during a merge");

public sealed partial class ProfileStore
{
    private const int MaxRaceRetries = 3;
    public const string BlockedMessage = "This user was erased and blocked: the userId cannot be identified or sent to again.";

    /// <summary>Writes in a transaction of its own (see the other overload); a merge that raced a create runs again.</summary>
    public async Task<ProfileWriteResult[]> WriteAsync(Guid tenantId, IReadOnlyList<ProfileWrite> writes, string errorPrefix,
        CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var conn = await db.OpenConnectionAsync(ct);
            await using var tx = await conn.BeginTransactionAsync(ct);
            try
            {
                var results = await WriteAsync(conn, tx, tenantId, writes, errorPrefix, ct);
                await tx.CommitAsync(ct);
                return results;
            }
            catch (ProfileWriteRaceException) when (attempt < MaxRaceRetries)
            {
                await tx.RollbackAsync(ct);
            }
        }
    }

    /// <summary>
    /// Applies <paramref name="writes"/> in order inside the caller's transaction: a replacement takes the document as it
    /// is, a merge patches the profile as the earlier writes left it (RFC 7396). Each result document is checked whole
    /// (a merged `data` may outgrow 16 KB); a bad one is an error result naming its fields and changes nothing, the others
    /// are written. One statement writes every profile (after one locking read when some write merges). Throws
    /// <see cref="ProfileWriteRaceException"/> when a profile a merge saw as new was created meanwhile by another transaction.
    /// </summary>
    public async Task<ProfileWriteResult[]> WriteAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, Guid tenantId,
        IReadOnlyList<ProfileWrite> writes, string errorPrefix, CancellationToken ct)
    {
        var results = new ProfileWriteResult[writes.Count];
        // Chat webhook hosts through the outbound guard before anything is locked (DNS answers take their time).
        var chatHostsAsked = await chatHosts.AskAsync(writes.SelectMany(w => Contracts.ChatHostCheck.Of(w.Document, "chat")), ct);
        // A merge needs the stored profiles: read and locked, so nothing changes them before this write commits.
        var stored = writes.Any(w => w.Merge)
            ? await LockAsync(conn, tx, tenantId, writes.Select(w => w.UserId)
                .Where(u => u.Length is > 0 and <= Contracts.RecipientRules.MaxUserIdLength)
                .Distinct(StringComparer.Ordinal).ToArray(), ct)
            : null;
        // An erased and blocked user cannot come back (one statement, under the same transaction as the write).
        var blocked = await blocklist.BlockedAsync(conn, tx, tenantId,
            writes.Select(w => w.UserId).Where(u => u.Length is > 0 and <= Contracts.RecipientRules.MaxUserIdLength)
                .Distinct(StringComparer.Ordinal).ToList(), ct);
        // Sized for the request up front: a 1,000-profile import grew each of these collections through every size on the way
        // (a tenth of the bytes a bulk identify allocated, BENCHMARKS.md "Bulk identify's allocations").
        var latest = new Dictionary<string, ProfileFields>(writes.Count, StringComparer.Ordinal);
        // One error dictionary until an item needs it for its result: most items have no errors.
        var errors = new Dictionary<string, string[]>();
        for (var i = 0; i < writes.Count; i++)
        {
            var w = writes[i];
            if (errors.Count > 0) errors = new Dictionary<string, string[]>();
            ProfileRules.CheckUserId(w.UserId, errorPrefix + "userId", errors);
            if (errors.Count > 0) { results[i] = new ProfileWriteResult(w.UserId, ProfileWriteResult.Error, Errors: errors); continue; }
            if (blocked.Contains(w.UserId))
            {
                results[i] = new ProfileWriteResult(w.UserId, ProfileWriteResult.Error,
                    Errors: new Dictionary<string, string[]> { [errorPrefix + "userId"] = [BlockedMessage] }, Blocked: true);
                continue;
            }
            await chatHosts.CheckAsync(Contracts.ChatHostCheck.Of(w.Document, errorPrefix + "chat"), errors, ct, chatHostsAsked);
            if (errors.Count > 0) { results[i] = new ProfileWriteResult(w.UserId, ProfileWriteResult.Error, Errors: errors); continue; }
            var current = latest.TryGetValue(w.UserId, out var f) ? f : stored?.GetValueOrDefault(w.UserId)?.Fields;
            var fields = w.Merge
                ? ProfileRules.Read(
                    (JsonObject)MergePatch.Apply(current?.ToJson() ?? new JsonObject(), JsonObject.Create(w.Document))!,
                    w.UserId, errorPrefix, errors, w.InBulk)
                : ProfileRules.Read(w.Document, w.UserId, errorPrefix, errors, w.InBulk);
            if (fields is null) { results[i] = new ProfileWriteResult(w.UserId, ProfileWriteResult.Error, Errors: errors); continue; }
            latest[w.UserId] = fields;
        }
        if (latest.Count == 0) return results;

        var written = await UpsertAsync(conn, tx, tenantId, latest, ct);
        if (stored is not null && written.Any(x => !x.Value.Inserted && !stored.ContainsKey(x.Key))) throw new ProfileWriteRaceException();
        var seen = new HashSet<string>(latest.Count, StringComparer.Ordinal);
        for (var i = 0; i < writes.Count; i++)
        {
            if (results[i] is not null) continue;
            var userId = writes[i].UserId;
            var (inserted, createdAt, updatedAt) = written[userId];
            var status = seen.Add(userId) && inserted ? ProfileWriteResult.Created : ProfileWriteResult.Updated;
            results[i] = new ProfileWriteResult(userId, status, new StoredProfile(userId, latest[userId], createdAt, updatedAt));
        }
        return results;
    }

    private static async Task<Dictionary<string, StoredProfile>> LockAsync(NpgsqlConnection conn, NpgsqlTransaction? tx,
        Guid tenantId, string[] userIds, CancellationToken ct)
    {
        var found = new Dictionary<string, StoredProfile>(StringComparer.Ordinal);
        await using var cmd = new NpgsqlCommand(Sql.Lock, conn, tx);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(userIds);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) found[r.GetString(0)] = Read(r, 0);
        return found;
    }

    private static async Task<Dictionary<string, (bool Inserted, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)>> UpsertAsync(
        NpgsqlConnection conn, NpgsqlTransaction? tx, Guid tenantId, Dictionary<string, ProfileFields> profiles, CancellationToken ct)
    {
        // Rows in one order for every request, so two requests naming the same users lock them in the same order (no deadlock).
        var rows = profiles.ToArray();
        Array.Sort(rows, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        await using var cmd = new NpgsqlCommand(Sql.Upsert, conn, tx);
        var p = cmd.Parameters;
        p.AddWithValue(tenantId);
        p.AddWithValue(rows.Select(x => x.Key).ToArray());
        p.AddWithValue(NpgsqlDbType.Array | NpgsqlDbType.Text, rows.Select(x => x.Value.Email).ToArray());
        p.AddWithValue(NpgsqlDbType.Array | NpgsqlDbType.Text, rows.Select(x => x.Value.Phone).ToArray());
        p.AddWithValue(NpgsqlDbType.Array | NpgsqlDbType.Text, rows.Select(x => x.Value.Name).ToArray());
        p.AddWithValue(NpgsqlDbType.Array | NpgsqlDbType.Text, rows.Select(x => x.Value.Locale).ToArray());
        p.AddWithValue(NpgsqlDbType.Array | NpgsqlDbType.Text, rows.Select(x => x.Value.Timezone).ToArray());
        p.AddWithValue(NpgsqlDbType.Array | NpgsqlDbType.Text, rows.Select(x => x.Value.AvatarUrl).ToArray());
        p.AddWithValue(NpgsqlDbType.Array | NpgsqlDbType.Jsonb, rows.Select(x => x.Value.DataJson).ToArray());
        p.AddWithValue(NpgsqlDbType.Array | NpgsqlDbType.Jsonb, rows.Select(x => x.Value.ChatJson).ToArray());
        var written = new Dictionary<string, (bool, DateTimeOffset, DateTimeOffset)>(rows.Length, StringComparer.Ordinal);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            written[r.GetString(0)] = (r.GetBoolean(1), r.GetFieldValue<DateTimeOffset>(2), r.GetFieldValue<DateTimeOffset>(3));
        return written;
    }
}
