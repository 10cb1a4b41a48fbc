using NotificationService.Contracts;
using Npgsql;
using NpgsqlTypes;

namespace NotificationService.Features.Sending.Suppressions;

public sealed record SuppressionEntry(Guid TenantId, string Channel, string? Address, string Reason, string? Detail, Guid? ProviderId,
    Guid? NotificationId);

public sealed record SuppressionView(string Channel, string Address, string Reason, string? Detail, Guid? ProviderId, Guid? NotificationId,
    DateTimeOffset CreatedAt);

/// <summary>The tenant's do-not-message list: written by provider callbacks, read by the delivery worker per batch.</summary>
public sealed class SuppressionStore(NpgsqlDataSource db)
{
    /// <summary>Inside the callback's transaction; the first reason recorded for an address is kept.</summary>
    public async Task AddAsync(NpgsqlConnection conn, NpgsqlTransaction tx, IReadOnlyList<SuppressionEntry> entries, CancellationToken ct)
    {
        var valid = entries.Where(e => e.Address is not null && Addresses.Suppressible(e.Channel)).ToList();
        if (valid.Count == 0) return;
        await using var cmd = new NpgsqlCommand("""
            insert into suppressions (tenant_id, channel, address, reason, detail, provider_id, notification_id)
            select * from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::uuid[], $7::uuid[])
            on conflict do nothing
            """, conn, tx);
        cmd.Parameters.AddWithValue(valid.Select(e => e.TenantId).ToArray());
        cmd.Parameters.AddWithValue(valid.Select(e => e.Channel).ToArray());
        cmd.Parameters.AddWithValue(valid.Select(e => e.Address!).ToArray());
        cmd.Parameters.AddWithValue(valid.Select(e => e.Reason).ToArray());
        cmd.Parameters.AddWithValue(valid.Select(e => e.Detail).ToArray());
        cmd.Parameters.AddWithValue(valid.Select(e => e.ProviderId).ToArray());
        cmd.Parameters.AddWithValue(valid.Select(e => e.NotificationId).ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Which of these (key, tenant, channel, address) are suppressed, with the reason: one query per delivery batch.</summary>
    public async Task<Dictionary<Guid, string>> FindAsync(
        IReadOnlyList<(Guid Key, Guid TenantId, string Channel, string Address)> candidates, CancellationToken ct)
    {
        var found = new Dictionary<Guid, string>();
        if (candidates.Count == 0) return found;
        await using var cmd = db.CreateCommand("""
            select c.key, s.reason from unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[]) as c(key, tenant_id, channel, address)
            join suppressions s on s.tenant_id = c.tenant_id and s.channel = c.channel and s.address = c.address
            """);
        cmd.Parameters.AddWithValue(candidates.Select(c => c.Key).ToArray());
        cmd.Parameters.AddWithValue(candidates.Select(c => c.TenantId).ToArray());
        cmd.Parameters.AddWithValue(candidates.Select(c => c.Channel).ToArray());
        cmd.Parameters.AddWithValue(candidates.Select(c => c.Address).ToArray());
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct)) found[r.GetGuid(0)] = r.GetString(1);
        return found;
    }

    public async Task<IReadOnlyList<SuppressionView>> ListAsync(Guid tenantId, string? channel, string? address, int limit,
        CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            select channel, address, reason, detail, provider_id, notification_id, created_at from suppressions
            where tenant_id = $1 and ($2::text is null or channel = $2) and ($3::text is null or address = $3)
            order by created_at desc, address limit $4
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)channel ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)address ?? DBNull.Value });
        cmd.Parameters.AddWithValue(limit);
        var list = new List<SuppressionView>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add(new SuppressionView(r.GetString(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3),
                r.IsDBNull(4) ? null : r.GetGuid(4), r.IsDBNull(5) ? null : r.GetGuid(5), r.GetFieldValue<DateTimeOffset>(6)));
        return list;
    }

    /// <summary>Erase: the person's addresses leave the list
    /// (an address is personal data; sending to it again is the tenant's new act).</summary>
    public async Task<int> ForgetAsync(Guid tenantId, string[] addresses, CancellationToken ct)
    {
        if (addresses.Length == 0) return 0;
        await using var cmd = db.CreateCommand("delete from suppressions where tenant_id = $1 and address = any($2)");
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(addresses);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<bool> RemoveAsync(Guid tenantId, string channel, string address, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("delete from suppressions where tenant_id = $1 and channel = $2 and address = $3");
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(channel);
        cmd.Parameters.AddWithValue(address);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }
}
