using Npgsql;

namespace NotificationService.Features.People.Devices;

public sealed record UserDevice(string Token, string Platform, bool Active, DateTimeOffset UpdatedAt);

/// <summary>The push device registry (`devices`): register, unregister, resolve a batch's users, deactivate dead tokens.</summary>
public sealed class DeviceStore(NpgsqlDataSource db)
{
    /// <summary>
    /// A token belongs to one user of a tenant: registering it again (same or other user, e.g. a shared
    /// tablet after a new sign-in) moves it and reactivates it. The statement for <see cref="Recipients.UserIdGate.WriteAsync"/>,
    /// which runs it in the transaction that refuses a blocked user.
    /// </summary>
    public static NpgsqlBatchCommand RegisterCommand(Guid tenantId, string userId, string token, string platform)
    {
        var cmd = new NpgsqlBatchCommand("""
            insert into devices (tenant_id, token, user_id, platform) values ($1, $2, $3, $4)
            on conflict (tenant_id, token) do update set user_id = excluded.user_id, platform = excluded.platform,
                active = true, deactivated_reason = null, updated_at = now()
            """);
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(token);
        cmd.Parameters.AddWithValue(userId);
        cmd.Parameters.AddWithValue(platform);
        return cmd;
    }

    /// <summary>Removes the token if it belongs to that user; false when there is no such registration.</summary>
    public async Task<bool> UnregisterAsync(Guid tenantId, string userId, string token, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("delete from devices where tenant_id = $1 and token = $2 and user_id = $3");
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(token);
        cmd.Parameters.AddWithValue(userId);
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>Erase: every registration of the user (active or not) goes.</summary>
    public async Task<int> ForgetUserAsync(Guid tenantId, string userId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("delete from devices where tenant_id = $1 and user_id = $2");
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(userId);
        return await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>A user's registrations, newest first (the user's own device list).</summary>
    public async Task<IReadOnlyList<UserDevice>> ListAsync(Guid tenantId, string userId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand(
            "select token, platform, active, updated_at from devices where tenant_id = $1 and user_id = $2 order by updated_at desc limit 100");
        cmd.Parameters.AddWithValue(tenantId);
        cmd.Parameters.AddWithValue(userId);
        var list = new List<UserDevice>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
            list.Add(new UserDevice(r.GetString(0), r.GetString(1), r.GetBoolean(2), r.GetFieldValue<DateTimeOffset>(3)));
        return list;
    }

    /// <summary>Active tokens of several users of one tenant, one statement.</summary>
    public async Task<IReadOnlyDictionary<string, List<string>>> ActiveTokensAsync(Guid tenantId, IReadOnlyCollection<string> userIds,
        CancellationToken ct)
    {
        var result = await ActiveTokensAsync(userIds.Select(u => (tenantId, u)).ToList(), ct);
        return result.Where(kv => kv.Key.TenantId == tenantId).ToDictionary(kv => kv.Key.UserId, kv => kv.Value);
    }

    /// <summary>Active tokens of every (tenant, user) of a delivery batch, one statement.</summary>
    public async Task<Dictionary<(Guid TenantId, string UserId), List<string>>> ActiveTokensAsync(
        IReadOnlyList<(Guid TenantId, string UserId)> users, CancellationToken ct)
    {
        var result = new Dictionary<(Guid, string), List<string>>();
        if (users.Count == 0) return result;
        await using var cmd = db.CreateCommand("""
            select d.tenant_id, d.user_id, d.token from devices d
            join unnest($1::uuid[], $2::text[]) as u(tenant_id, user_id) on d.tenant_id = u.tenant_id and d.user_id = u.user_id
            where d.active order by d.updated_at desc
            """);
        cmd.Parameters.AddWithValue(users.Select(u => u.TenantId).ToArray());
        cmd.Parameters.AddWithValue(users.Select(u => u.UserId).ToArray());
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var key = (r.GetGuid(0), r.GetString(1));
            if (!result.TryGetValue(key, out var list)) result[key] = list = [];
            list.Add(r.GetString(2));
        }
        return result;
    }

    /// <summary>Tokens the provider reported dead (UNREGISTERED, SENDER_ID_MISMATCH), for a whole batch in one statement.</summary>
    public async Task DeactivateAsync(IReadOnlyList<(Guid TenantId, string Token)> dead, string reason, CancellationToken ct)
    {
        if (dead.Count == 0) return;
        await using var cmd = db.CreateCommand("""
            update devices d set active = false, deactivated_reason = $3, updated_at = now()
            from unnest($1::uuid[], $2::text[]) as x(tenant_id, token)
            where d.tenant_id = x.tenant_id and d.token = x.token and d.active
            """);
        cmd.Parameters.AddWithValue(dead.Select(d => d.TenantId).ToArray());
        cmd.Parameters.AddWithValue(dead.Select(d => d.Token).ToArray());
        cmd.Parameters.AddWithValue(reason);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
